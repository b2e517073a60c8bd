// TypeScript's view of the structs in bpf/latency.h.
import { layout } from '../../../native/layouts.js';
import { COMM_LEN, flowId } from '../../kernel/layouts.js';

export const latKey = layout('nt_lat_key', { skb: 'u64', ifindex: 'u32', _pad: 'u32' });

export const latPacket = layout('nt_lat_packet', {
	ts_ns: 'u64',
	last_ns: 'u64',
	stage_ns: ['bytes', 32],
	cgroup: 'u64',
	id: ['bytes', flowId.size],
	ifindex: 'u32',
	ifname: ['bytes', COMM_LEN],
	comm: ['bytes', COMM_LEN],
	pid: 'u32',
	len: 'u32',
	fp: 'u32',
	queue: 'u16',
	dir: 'u8',
	proto: 'u8',
	flags: 'u8',
	_pad: ['bytes', 7],
});

export const latCtl = layout('nt_lat_ctl', {
	every: 'u32',
	_pad: 'u32',
	swept: ['bytes', 16],
	taken: ['bytes', 16],
	done: ['bytes', 16],
	replaced: ['bytes', 16],
});

export const LATENCY_LAYOUTS = [latKey, latPacket, latCtl];
