// TypeScript's view of the structs in bpf/conns.h.
import { layout } from '../../../native/layouts.js';
import { COMM_LEN, flowId, sampleBudget } from '../../kernel/layouts.js';

export const connCounts = layout('nt_conn_counts', {
	active_opens: 'u64',
	passive_opens: 'u64',
	attempt_fails: 'u64',
	estab_resets: 'u64',
	out_rsts: 'u64',
	in_rsts: 'u64',
});

export const connEvent = layout('nt_conn_event', {
	ts_ns: 'u64',
	duration_ns: 'u64',
	tx_bytes: 'u64',
	rx_bytes: 'u64',
	id: ['bytes', flowId.size],
	pid: 'u32',
	comm: ['bytes', COMM_LEN],
	latency_us: 'u32',
	err: 'u16',
	type: 'u8',
	dir: 'u8',
	state: 'u8',
	flags: 'u8',
	_pad1: 'u16',
	_pad2: 'u32',
	cgroup: 'u64',
});

export const connLife = layout('nt_conn_life', { start_ns: 'u64', dir: 'u8', _pad: ['bytes', 7] });

export const CONNS_LAYOUTS = [connCounts, connEvent, connLife, sampleBudget];
