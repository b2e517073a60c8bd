// TypeScript's view of the structs in bpf/nic.h.
import { layout } from '../../../native/layouts.js';

export const nicKey = layout('nt_nic_key', { netns: 'u32', ifindex: 'u32', queue: 'u32' });
export const nicVal = layout('nt_nic_val', { tx_bytes: 'u64', tx_packets: 'u64', rx_bytes: 'u64', rx_packets: 'u64' });
export const nicNameKey = layout('nt_nic_name_key', { netns: 'u32', ifindex: 'u32' });
export const nicName = layout('nt_nic_name', { name: ['bytes', 16] });
export const nicSlot = layout('nt_nic_slot', { key: ['bytes', nicKey.size], _pad: 'u32', val: ['bytes', nicVal.size] });

export const NIC_LAYOUTS = [nicKey, nicVal, nicNameKey, nicName, nicSlot];
