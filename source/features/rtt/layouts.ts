// TypeScript's view of the structs in bpf/rtt.h.
import { layout } from '../../../native/layouts.js';
import { COMM_LEN, flowId } from '../../kernel/layouts.js';
import { RTT_SLOTS } from './snapshot.js';

export const rttVal = layout('nt_rtt_val', {
	cookie: 'u64',
	count: 'u64',
	sum: 'u64',
	pid: 'u32',
	closed: 'u32',
	slots: ['bytes', RTT_SLOTS * 4],
	id: ['bytes', flowId.size],
	comm: ['bytes', COMM_LEN],
	cgroup: 'u64',
	_pad: ['bytes', 48],
});

export const RTT_LAYOUTS = [rttVal];
