// TypeScript's view of the structs in bpf/drops.h.
import { layout } from '../../../native/layouts.js';
import { COMM_LEN, flowId, sampleBudget } from '../../kernel/layouts.js';

export const dropKey = layout('nt_drop_key', { netns: 'u32', ifindex: 'u32', reason: 'u32', eth_proto: 'u16', ip_proto: 'u8', _pad: 'u8' });
export const dropSlot = layout('nt_drop_slot', { key: ['bytes', dropKey.size], count: 'u64' });
export const dropIfnameKey = layout('nt_drop_ifname_key', { netns: 'u32', ifindex: 'u32' });
export const dropIfname = layout('nt_drop_ifname', { name: ['bytes', 16] });
export const dropFlowKey = layout('nt_drop_flow_key', { id: ['bytes', flowId.size], reason: 'u32' });
export const dropFlow = layout('nt_drop_flow', { count: 'u64', pid: 'u32', comm: ['bytes', COMM_LEN], state: 'u8', protocol: 'u8', _pad: 'u16', cgroup: 'u64', ino: 'u64' });
export const dropEvent = layout('nt_drop_event', {
	ts_ns: 'u64',
	location: 'u64',
	id: ['bytes', flowId.size],
	pid: 'u32',
	comm: ['bytes', COMM_LEN],
	reason: 'u32',
	ifindex: 'u32',
	eth_proto: 'u16',
	ip_proto: 'u8',
	state: 'u8',
	has_sock: 'u8',
	_pad: ['bytes', 3],
	cgroup: 'u64',
	ino: 'u64',
});

export const DROPS_LAYOUTS = [dropKey, dropSlot, dropIfnameKey, dropIfname, dropFlowKey, dropFlow, dropEvent, sampleBudget];
