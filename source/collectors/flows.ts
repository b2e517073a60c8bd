// Decodes struct nt_flow_id (a TCP connection as its socket names it) and formats its addresses.
import * as L from '../../native/layouts.js';
import { field, u16 } from './decode.js';

/** A TCP connection's endpoints; IPv4-mapped IPv6 sockets are shown as IPv4. */
export interface FlowId {
	readonly netns: number;
	readonly family: 4 | 6;
	readonly laddr: string;
	readonly lport: number;
	readonly raddr: string;
	readonly rport: number;
}

/** A connection and the process that owns it. */
export interface OwnedFlow extends FlowId {
	readonly pid: number;
	readonly comm: string;
}

/** Just the OwnedFlow fields of a bigger record (so outputs carry no internal fields). */
export function ownedFlow(f: OwnedFlow): OwnedFlow {
	return { pid: f.pid, comm: f.comm, netns: f.netns, family: f.family, laddr: f.laddr, lport: f.lport, raddr: f.raddr, rport: f.rport };
}

/** `record` with the six connection fields of `id` set on it (no spread: one object, one shape). */
export function withFlow<T extends object>(record: T, id: FlowId): T & FlowId {
	const r = record as T & { -readonly [K in keyof FlowId]: FlowId[K] };
	r.netns = id.netns;
	r.family = id.family;
	r.laddr = id.laddr;
	r.lport = id.lport;
	r.raddr = id.raddr;
	r.rport = id.rport;
	return r;
}

const AF_INET6 = 10;

/** Reads a struct nt_flow_id at `base`. */
export function decodeFlowId(buf: Buffer, base: number): FlowId {
	const f = L.flowId.fields;
	const v6 = field(buf, base, f.family) === AF_INET6;
	const l = address(buf, base + f.laddr.offset, v6);
	const r = address(buf, base + f.raddr.offset, v6);
	return {
		netns: field(buf, base, f.netns),
		family: l.v4 && r.v4 ? 4 : 6,
		laddr: l.text,
		lport: u16(buf, base + f.lport.offset),
		raddr: r.text,
		rport: u16(buf, base + f.rport.offset),
	};
}

function address(buf: Buffer, offset: number, v6: boolean): { text: string; v4: boolean } {
	if (!v6) return { text: ipv4(buf, offset), v4: true };
	if (isV4Mapped(buf, offset)) return { text: ipv4(buf, offset + 12), v4: true };
	return { text: ipv6(buf, offset), v4: false };
}

function ipv4(buf: Buffer, offset: number): string {
	return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
}

/** ::ffff:a.b.c.d */
function isV4Mapped(buf: Buffer, offset: number): boolean {
	for (let i = 0; i < 10; i++) if (buf[offset + i] !== 0) return false;
	return buf[offset + 10] === 0xff && buf[offset + 11] === 0xff;
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
export function ipv6(buf: Buffer, offset: number): string {
	const groups: number[] = [];
	for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(offset + i * 2));
	let best = -1;
	let bestLen = 1;
	for (let i = 0; i < 8; ) {
		if (groups[i] !== 0) {
			i++;
			continue;
		}
		let j = i;
		while (j < 8 && groups[j] === 0) j++;
		if (j - i > bestLen) {
			best = i;
			bestLen = j - i;
		}
		i = j;
	}
	const hex = groups.map((g) => g.toString(16));
	if (best < 0) return hex.join(':');
	return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
