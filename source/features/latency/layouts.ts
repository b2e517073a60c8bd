// TypeScript's view of the structs in bpf/latency.h.
import { layout } from '../../../native/layouts.js';
import { COMM_LEN, flowId } from '../../kernel/layouts.js';

export const latKey = layout('nt_lat_key', { skb: 'u64', ifindex: 'u32', _pad: 'u32' });
export const latFlowKey = layout('nt_lat_flow_key', { raddr: 'u32', lport: 'u16', rport: 'u16' });
export const latSegKey = layout('nt_lat_seg_key', { ifindex: 'u32', hash: 'u32', seq: 'u32', _pad: 'u32' });

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
	segs: 'u16',
	dir: 'u8',
	proto: 'u8',
	flags: 'u8',
	_pad: ['bytes', 5],
});

export const latGate = layout('nt_lat_gate', { taken: 'u64', done: 'u64', untimed: 'u64', swept: 'u64' });

export const latTick = layout('nt_lat_tick', { count: 'u32', every: 'u32' });

/** bpf/latency.h LAT_GATE_BITS: the gate slots of each part (LAT_SEND, LAT_RECV, LAT_SEG). */
export const GATE_BITS = 10;
export const GATE_SLOTS = 1 << GATE_BITS;

/** bpf/latency.h LAT_HASH. */
const gateHash = (x: number) => Math.imul(x, 0x9e3779b9) >>> (32 - GATE_BITS);
/** LAT_SKB_SLOT: the gate slot of an skb address. */
export const skbSlot = (skb: bigint): number => gateHash(Number(skb & 0xffffffffn) >>> 6);
/** LAT_FLOW_SLOT: the gate slot of a TCP connection's ports. */
export const flowSlot = (lport: number, rport: number): number => gateHash(((lport << 16) | rport) >>> 0);
/** LAT_SEG_SLOT: the gate slot of an skb's hash. */
export const segSlot = (hash: number): number => gateHash(hash);

/** bpf/latency.h LAT_PACED, LAT_CUT. */
export const PACED = 1;
export const CUT = 2;

export const LATENCY_LAYOUTS = [latKey, latFlowKey, latSegKey, latPacket, latGate, latTick];
