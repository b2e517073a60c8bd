// TypeScript's view of the structs in bpf/tcp.h.
import { layout } from '../../../native/layouts.js';
import { COMM_LEN, flowId } from '../../kernel/layouts.js';

export const tcpKey = layout('nt_tcp_key', { cookie: 'u64', pid: 'u32', _pad: 'u32' });
export const tcpVal = layout('nt_tcp_val', {
	cookie: 'u64',
	tx_bytes: 'u64',
	rx_bytes: 'u64',
	pid: 'u32',
	closed: 'u32',
	id: ['bytes', flowId.size],
	comm: ['bytes', COMM_LEN],
	_pad0: 'u32',
	cgroup: 'u64',
	proto: 'u8',
	_pad: ['bytes', 23],
});

export const TCP_LAYOUTS = [tcpKey, tcpVal];
