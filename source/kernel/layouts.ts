// TypeScript's view of the structs in bpf/nettop.h, which every object that tracks sockets shares.
import { layout } from '../../native/layouts.js';

export const COMM_LEN = 16;

export const sockOwner = layout('nt_sock_owner', { pid: 'u32', comm: ['bytes', COMM_LEN], _pad: 'u32', cgroup: 'u64' });
export const flowId = layout('nt_flow_id', { laddr: ['bytes', 16], raddr: ['bytes', 16], netns: 'u32', family: 'u16', lport: 'u16', rport: 'u16', _pad: 'u16' });
export const slotCtl = layout('nt_slot_ctl', { next: 'u32', free_head: 'u32', free_tail: 'u32', _pad: 'u32' });
export const slotRef = layout('nt_slot_ref', { cookie: 'u64', slot: 'u32', _pad: 'u32' });
export const sampleBudget = layout('nt_sample_budget', { last_ns: 'u64', credit_ns: 'u64', sampled: 'u64' });
