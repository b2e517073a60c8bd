// TypeScript's view of the structs in bpf/nettop.h: koffi computes sizes and offsets, collectors read them.
import os from 'node:os';
import { koffi } from './libbpf.js';

/** BPF maps hold host-endian bytes. */
export const LITTLE_ENDIAN = os.endianness() === 'LE';

export type FieldType = 'u8' | 'u16' | 'u32' | 'u64' | 'bytes';

export interface Field {
	readonly offset: number;
	readonly size: number;
	readonly type: FieldType;
}

/** A struct's size and the offset of each field, as plain data (no koffi types leak out). */
export interface Layout<K extends string = string> {
	readonly name: string;
	readonly size: number;
	readonly fields: Readonly<Record<K, Field>>;
}

type Spec = FieldType | readonly ['bytes', number];
const C_TYPES: Record<Exclude<FieldType, 'bytes'>, string> = {
	u8: 'uint8_t',
	u16: 'uint16_t',
	u32: 'uint32_t',
	u64: 'uint64_t',
};

function layout<K extends string>(name: string, spec: Record<K, Spec>): Layout<K> {
	const members: Record<string, unknown> = {};
	for (const [field, type] of Object.entries<Spec>(spec)) {
		members[field] = typeof type === 'string' ? C_TYPES[type as Exclude<FieldType, 'bytes'>] : koffi.array('uint8_t', type[1]);
	}
	const struct = koffi.struct(`nettop_${name}`, members as Record<string, string>);
	const fields = {} as Record<K, Field>;
	for (const [field, type] of Object.entries<Spec>(spec)) {
		const size = typeof type === 'string' ? koffi.sizeof(C_TYPES[type as Exclude<FieldType, 'bytes'>]) : type[1];
		fields[field as K] = { offset: koffi.offsetof(struct, field), size, type: typeof type === 'string' ? type : 'bytes' };
	}
	return { name, size: koffi.sizeof(struct), fields };
}

// ---- nic.bpf.c ----
export const nicKey = layout('nt_nic_key', { netns: 'u32', ifindex: 'u32', queue: 'u32' });
export const nicVal = layout('nt_nic_val', { tx_bytes: 'u64', tx_packets: 'u64', rx_bytes: 'u64', rx_packets: 'u64' });
export const nicNameKey = layout('nt_nic_name_key', { netns: 'u32', ifindex: 'u32' });
export const nicName = layout('nt_nic_name', { name: ['bytes', 16] });
export const nicSlot = layout('nt_nic_slot', { key: ['bytes', nicKey.size], _pad: 'u32', val: ['bytes', nicVal.size] });

// ---- tcp.bpf.c, rtt.bpf.c, retrans.bpf.c ----
export const sockOwner = layout('nt_sock_owner', { pid: 'u32', comm: ['bytes', 16], tcp_slot: 'u32', rtt_slot: 'u32', _pad: 'u32', cookie: 'u64' });
export const slotCtl = layout('nt_slot_ctl', { next: 'u32', free_head: 'u32', free_tail: 'u32', _pad: 'u32' });
const FLOW_ID = { laddr: ['bytes', 16], raddr: ['bytes', 16], netns: 'u32', family: 'u16', lport: 'u16', rport: 'u16', _pad: 'u16' } as const;
export const flowId = layout('nt_flow_id', FLOW_ID);
export const tcpKey = layout('nt_tcp_key', { cookie: 'u64', pid: 'u32', _pad: 'u32' });
export const tcpVal = layout('nt_tcp_val', {
	cookie: 'u64',
	tx_bytes: 'u64',
	rx_bytes: 'u64',
	pid: 'u32',
	closed: 'u32',
	id: ['bytes', flowId.size],
	comm: ['bytes', 16],
	_pad: ['bytes', 36],
});
export const RTT_SLOTS = 27;
export const rttVal = layout('nt_rtt_val', {
	cookie: 'u64',
	count: 'u64',
	sum: 'u64',
	pid: 'u32',
	closed: 'u32',
	slots: ['bytes', RTT_SLOTS * 4],
	id: ['bytes', flowId.size],
	comm: ['bytes', 16],
	_pad: ['bytes', 56],
});
export const retransEvent = layout('nt_retrans_event', {
	ts_ns: 'u64',
	cookie: 'u64',
	id: ['bytes', flowId.size],
	pid: 'u32',
	comm: ['bytes', 16],
	segs: 'u32',
	state: 'u8',
	kind: 'u8',
	_pad: 'u16',
});

/** Every layout, by its C struct name: what the layout test compares with the objects' BTF. */
export const ALL_LAYOUTS: readonly Layout[] = [nicKey, nicVal, nicNameKey, nicName, nicSlot, sockOwner, slotCtl, flowId, tcpKey, tcpVal, rttVal, retransEvent];
