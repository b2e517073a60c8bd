// Decodes struct nt_flow_id (a connection as its socket names it) and the flows slot tables hold.
import type { Field, Layout } from '../../native/layouts.js';
import type { FlowId, SocketFlow } from '../model/flow.js';
import { cstring, field, u16, u32, u64, wordsU64 } from './decode.js';
import { enlarged } from './frames.js';
import * as L from './layouts.js';

const AF_INET6 = 10;
const IPPROTO_UDP = 17;

/**
 * One string per distinct text: tens of thousands of flows share a few
 * addresses and process names. Bounded: forgotten when it grows past `max`
 * (only memory is at stake).
 */
class Interned<K> {
	private readonly texts = new Map<K, string>();

	constructor(private readonly max = 4096) {}

	get(key: K, make: (key: K) => string): string {
		let text = this.texts.get(key);
		if (text === undefined) {
			if (this.texts.size >= this.max) this.texts.clear();
			text = make(key);
			this.texts.set(key, text);
		}
		return text;
	}
}

const ipv4Texts = new Interned<number>();
const otherTexts = new Interned<string>();
const asIs = (text: string) => text;

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
	return { text: otherTexts.get(ipv6(buf, offset), asIs), v4: false };
}

function ipv4(buf: Buffer, offset: number): string {
	return ipv4Texts.get(buf.readUInt32BE(offset), () => `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`);
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

type SocketFields = 'cookie' | 'pid' | 'comm' | 'id';

/**
 * The flow each slot of a table holds (the value's cookie, pid, comm and
 * nt_flow_id), decoded when the slot gets another socket or owner only: a
 * socket's addresses never change, and its owner is learned once. Shared by
 * every read while it holds.
 */
export class SlotFlows {
	private flows: (SocketFlow | undefined)[] = [];
	private cookies = new Float64Array(0);
	private pids = new Uint32Array(0);
	private readonly cookieWord: number;
	private readonly pidWord: number;

	/** `commWithoutPid`: whether a value with pid 0 still names a process (else comm is '' until the owner is known). */
	constructor(
		private readonly value: Layout<SocketFields>,
		private readonly commWithoutPid: boolean,
	) {
		this.cookieWord = value.fields.cookie.offset / 4;
		this.pidWord = value.fields.pid.offset / 4;
	}

	/** The flow in slot `s`, whose value starts at word `base` of `words` (`bytes`: the same memory). */
	at(words: Uint32Array, bytes: Buffer, s: number, base: number): SocketFlow {
		const cookie = wordsU64(words, base + this.cookieWord);
		const pid = words[base + this.pidWord]!;
		if (this.cookies[s] === cookie && this.pids[s] === pid) return this.flows[s]!;
		if (s >= this.cookies.length) {
			const size = Math.max(s + 1, 2 * this.cookies.length, 1024);
			this.cookies = enlarged(this.cookies, size);
			this.pids = enlarged(this.pids, size);
		}
		const flow = decodeSocketFlow(bytes, base * 4, this.value, this.commWithoutPid);
		this.flows[s] = flow;
		this.cookies[s] = cookie;
		this.pids[s] = pid;
		return flow;
	}
}

/** The flow a slot table value at byte `base` holds: one object, all its fields in one shape, frozen (a recording knows it unchanged by its identity). */
export function decodeSocketFlow(bytes: Buffer, base: number, value: Layout<SocketFields>, commWithoutPid = true): SocketFlow {
	const f = value.fields;
	const id = decodeFlowId(bytes, base + f.id.offset);
	const pid = u32(bytes, base + f.pid.offset);
	const comm = pid || commWithoutPid ? otherTexts.get(cstring(bytes, base + f.comm.offset, f.comm.size), asIs) : '';
	const more = value.fields as Partial<Record<'proto' | 'cgroup', Field>>;
	const proto = more.proto && bytes[base + more.proto.offset] === IPPROTO_UDP ? 'udp' : 'tcp';
	const cgroupId = more.cgroup && pid ? u64(bytes, base + more.cgroup.offset) : 0;
	return Object.freeze({ cookie: u64(bytes, base + f.cookie.offset), proto, cgroupId, pid, comm, netns: id.netns, family: id.family, laddr: id.laddr, lport: id.lport, raddr: id.raddr, rport: id.rport });
}
