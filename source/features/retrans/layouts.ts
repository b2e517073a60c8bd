// TypeScript's view of the structs in bpf/retrans.h.
import { layout } from '../../../native/layouts.js';
import { COMM_LEN, flowId } from '../../kernel/layouts.js';

export const retransEvent = layout('nt_retrans_event', {
	ts_ns: 'u64',
	cookie: 'u64',
	id: ['bytes', flowId.size],
	pid: 'u32',
	comm: ['bytes', COMM_LEN],
	segs: 'u32',
	state: 'u8',
	kind: 'u8',
	_pad: 'u16',
	cgroup: 'u64',
});

export const RETRANS_LAYOUTS = [retransEvent];
