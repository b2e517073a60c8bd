// Connections model: per-namespace counters as the kernel's Tcp MIB counts them, connection events, and one interval's view of both.
import { counterDelta } from '../../model/counters.js';
import { matches, type Filter } from '../../model/filter.js';
import type { OwnedFlow } from '../../model/flow.js';
import type { Snapshot } from '../../model/reading.js';

/** What the kernel counts per namespace (bpf/conns.h): the Tcp MIB counters of the same names, and RSTs received. */
export interface ConnCounts {
	readonly active_opens: number;
	readonly passive_opens: number;
	readonly attempt_fails: number;
	readonly estab_resets: number;
	readonly out_rsts: number;
	readonly in_rsts: number;
}

export const COUNT_NAMES = ['active_opens', 'passive_opens', 'attempt_fails', 'estab_resets', 'out_rsts', 'in_rsts'] as const;

export type ConnEventType = 'connect' | 'accept' | 'close' | 'fail' | 'reset_in' | 'reset_out';
/** Which end of the connection this host's socket is: it connected, or it accepted. */
export type Direction = 'connect' | 'accept';

export interface ConnEvent extends OwnedFlow {
	/** Epoch ms. */
	readonly time: number;
	readonly type: ConnEventType;
	readonly direction?: Direction;
	/** The TCP state it left (close, fail), or was in (resets). */
	readonly state: string;
	/** close: the connection's lifetime, when nettop saw it start. */
	readonly durationMs?: number;
	/** close: bytes acknowledged by the peer and bytes received, over the connection's life. */
	readonly txBytes?: number;
	readonly rxBytes?: number;
	/** close: it went from ESTABLISHED or CLOSE_WAIT straight to CLOSE (an abort, as TcpEstabResets counts). */
	readonly abort?: boolean;
	/** connect: SYN sent to established. */
	readonly latencyUs?: number;
	/** fail: refused, timed out, reset, unreachable, ... */
	readonly reason?: string;
	/** reset_out: no socket took the segment (a closed port); no owner. */
	readonly noSocket?: boolean;
}

/** Events kept for the rolling list and the per-endpoint table: the last RECENT of them. */
export const RECENT = 1000;

/** What this kernel lets nettop see; what it cannot is said on the tab instead of counted short. */
export interface ConnsSight {
	/** tcp_send_reset fires for RSTs sent without a socket (Linux 6.9+); before, out_rsts misses them. */
	readonly resetsWithoutSocket: boolean;
	/** accept() and accept4() are traced (syscall tracepoints): accept events. */
	readonly accepts: boolean;
}

/** What nettop reads of a namespace's Tcp MIB (/proc/net/snmp). */
export interface TcpMib {
	/** TcpCurrEstab: connections established now. */
	readonly established: number;
	/** TcpAttemptFails, cumulative: it also counts handshakes no tracepoint sees fail (docs/connections.md). */
	readonly attemptFails: number;
}

export interface ConnsSnapshot extends Snapshot {
	/** Per namespace (inode), counted since nettop loaded its programs. */
	readonly counts: ReadonlyMap<number, ConnCounts>;
	/** The kernel's Tcp MIB now, for the namespaces nettop can enter (its own, those in /run/netns). */
	readonly mib: ReadonlyMap<number, TcpMib>;
	/** Events since the last read, oldest first. */
	readonly events: readonly ConnEvent[];
	/** The last RECENT events, newest first. */
	readonly recent: readonly ConnEvent[];
	/** Events the ring had no room for, since load. */
	readonly eventsLost: number;
	/** Events the sampling left out of the list (at most so many a second are sent), since load. */
	readonly eventsSampled: number;
	readonly sight: ConnsSight;
}

/** The recent events after a read of `events` (oldest first), given those before it. */
export function nextRecent(before: readonly ConnEvent[], events: readonly ConnEvent[]): ConnEvent[] {
	return [...events.slice(-RECENT).reverse(), ...before].slice(0, RECENT);
}

/** One namespace's interval: how much each counter grew, and connections established now. */
export interface ConnsRow extends ConnCounts {
	readonly netns: number;
	readonly netns_name?: string;
	/**
	 * Of attempt_fails, those no tracepoint shows: request sockets (the
	 * handshake not done) that took an RST or a second SYN. The kernel's
	 * TcpAttemptFails growth less the failures nettop traced, where nettop
	 * reads the namespace's MIB; attempt_fails then includes them.
	 */
	readonly handshake_fails?: number;
	/** TcpCurrEstab at the end of the interval, where nettop could read it. */
	readonly established?: number;
}

/** The rows added up. */
export type ConnTotals = ConnCounts & { readonly handshake_fails: number; readonly established?: number };

export type EndpointMode = 'remote' | 'port';

/** The recent events of one remote endpoint or one local port. */
export interface EndpointRow {
	readonly key: string;
	readonly opens: number;
	readonly fails: number;
	readonly resets: number;
	readonly closes: number;
	/** Connect latency over the completed connects (µs); undefined when none. */
	readonly latencyAvg?: number;
	readonly latencyP99?: number;
	/** Average lifetime of the closes whose start nettop saw (ms). */
	readonly lifetimeAvg?: number;
}

export interface ConnsView {
	/** One row per namespace that counted anything, or has connections established. */
	readonly counts: readonly ConnsRow[];
	/** The rows added up; established only over the namespaces it is known for. */
	readonly totals: ConnTotals;
	/** The interval's events that pass the filter, oldest first. */
	readonly events: readonly ConnEvent[];
	/** The recent events that pass the filter, newest first. */
	readonly recent: readonly ConnEvent[];
	/** Events left out of the list this interval because the ring was full: the counts still have them. */
	readonly eventsLost: number;
	/** Events the sampling left out of the list this interval: the counts still have them. */
	readonly eventsSampled: number;
	readonly sight: ConnsSight;
	/** The recent events per remote endpoint or per local port, most opens first. */
	endpoints(mode: EndpointMode): readonly EndpointRow[];
	/** The JSON line's value: counts and events. */
	toJSON(): object;
}

const ZERO: ConnCounts = { active_opens: 0, passive_opens: 0, attempt_fails: 0, estab_resets: 0, out_rsts: 0, in_rsts: 0 };

function grown(prev: ConnCounts | undefined, cur: ConnCounts): ConnCounts {
	const out: Record<string, number> = {};
	for (const name of COUNT_NAMES) out[name] = counterDelta(prev?.[name], cur[name]);
	return out as unknown as ConnCounts;
}

const anyCount = (c: ConnCounts) => COUNT_NAMES.some((name) => c[name] !== 0);

/**
 * Per-namespace growth over the interval, with established connections
 * where known; namespaces in inode order. Where the namespace's MIB was read
 * at both ends of the interval, attempt_fails is its TcpAttemptFails growth,
 * and handshake_fails the part no tracepoint saw.
 */
export function connsRows(prev: ConnsSnapshot | undefined, cur: ConnsSnapshot, names: ReadonlyMap<number, string>): ConnsRow[] {
	const netnses = [...new Set([...cur.counts.keys(), ...cur.mib.keys()])].sort((a, b) => a - b);
	const rows: ConnsRow[] = [];
	for (const netns of netnses) {
		const counts = cur.counts.get(netns);
		const delta = counts ? grown(prev?.counts.get(netns), counts) : ZERO;
		const mib = cur.mib.get(netns);
		const before = prev?.mib.get(netns);
		const kernelFails = mib && before ? counterDelta(before.attemptFails, mib.attemptFails) : undefined;
		const handshake = kernelFails === undefined ? undefined : kernelFails - delta.attempt_fails;
		if (!anyCount(delta) && !mib?.established && !handshake) continue;
		const name = names.get(netns);
		rows.push({
			netns,
			...(name === undefined ? {} : { netns_name: name }),
			...delta,
			...(kernelFails === undefined ? {} : { attempt_fails: kernelFails, handshake_fails: handshake }),
			...(mib === undefined ? {} : { established: mib.established }),
		});
	}
	return rows;
}

function totalsOf(rows: readonly ConnsRow[]): ConnTotals {
	const out: Record<string, number> = { ...ZERO };
	let established: number | undefined;
	let handshake = 0;
	for (const r of rows) {
		for (const name of COUNT_NAMES) out[name]! += r[name];
		if (r.established !== undefined) established = (established ?? 0) + r.established;
		handshake += r.handshake_fails ?? 0;
	}
	return { ...(out as unknown as ConnCounts), handshake_fails: handshake, ...(established === undefined ? {} : { established }) };
}

/** The key an event is counted under in `mode`, or undefined when the mode does not count it (connects by their ephemeral local port). */
export function endpointKey(e: ConnEvent, mode: EndpointMode): string | undefined {
	const v6 = (addr: string) => (addr.includes(':') ? `[${addr}]` : addr);
	if (mode === 'port') return e.direction === 'connect' ? undefined : String(e.lport);
	return e.direction === 'connect' ? `${v6(e.raddr)}:${e.rport}` : e.raddr;
}

function percentile(sorted: readonly number[], share: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

/** The events per key of `mode`, most opens (then most failures and resets) first. */
export function endpointRows(events: readonly ConnEvent[], mode: EndpointMode): EndpointRow[] {
	interface Acc {
		opens: number;
		fails: number;
		resets: number;
		closes: number;
		latencies: number[];
		lifetimes: number[];
	}
	const by = new Map<string, Acc>();
	for (const e of events) {
		const key = endpointKey(e, mode);
		if (key === undefined) continue;
		let a = by.get(key);
		if (!a) by.set(key, (a = { opens: 0, fails: 0, resets: 0, closes: 0, latencies: [], lifetimes: [] }));
		if (e.type === 'connect' || e.type === 'accept') a.opens++;
		else if (e.type === 'fail') a.fails++;
		else if (e.type === 'reset_in' || e.type === 'reset_out') a.resets++;
		else a.closes++;
		if (e.latencyUs !== undefined) a.latencies.push(e.latencyUs);
		if (e.durationMs !== undefined) a.lifetimes.push(e.durationMs);
	}
	const rows: EndpointRow[] = [];
	for (const [key, a] of by) {
		const lat = a.latencies.sort((x, y) => x - y);
		rows.push({
			key,
			opens: a.opens,
			fails: a.fails,
			resets: a.resets,
			closes: a.closes,
			...(lat.length ? { latencyAvg: lat.reduce((s, x) => s + x, 0) / lat.length, latencyP99: percentile(lat, 0.99) } : {}),
			...(a.lifetimes.length ? { lifetimeAvg: a.lifetimes.reduce((s, x) => s + x, 0) / a.lifetimes.length } : {}),
		});
	}
	return rows.sort((x, y) => y.opens - x.opens || y.fails + y.resets - (x.fails + x.resets) || (x.key < y.key ? -1 : 1));
}

let isoSecond = NaN;
let isoPrefix = '';

/** Epoch ms as toISOString() writes it, the part up to the second made once a second (thousands of events share it). */
export function isoTime(ms: number): string {
	const second = Math.floor(ms / 1000);
	if (second !== isoSecond) {
		isoSecond = second;
		isoPrefix = new Date(second * 1000).toISOString().slice(0, 19);
	}
	return `${isoPrefix}.${String(Math.floor(ms - second * 1000)).padStart(3, '0')}Z`;
}

/** An event as the JSON line writes it: ISO time, the fields of its type only. */
export function eventJson(e: ConnEvent): object {
	const o: Record<string, unknown> = { time: isoTime(e.time), type: e.type };
	if (e.direction) o.direction = e.direction;
	o.pid = e.pid;
	o.comm = e.comm;
	o.netns = e.netns;
	o.family = e.family;
	o.laddr = e.laddr;
	o.lport = e.lport;
	o.raddr = e.raddr;
	o.rport = e.rport;
	switch (e.type) {
		case 'close':
			o.duration_ms = e.durationMs ?? null;
			o.tx_bytes = e.txBytes;
			o.rx_bytes = e.rxBytes;
			o.abort = e.abort === true;
			break;
		case 'fail':
			o.reason = e.reason;
			break;
		case 'connect':
			if (e.latencyUs !== undefined) o.latency_us = e.latencyUs;
			break;
		default:
			if (e.noSocket) o.no_socket = true;
			else o.state = e.state;
	}
	return o;
}

/** The interval from `prev` to `cur`: counts per namespace (never filtered: they are the kernel's), events filtered. */
export function connsView(prev: ConnsSnapshot | undefined, cur: ConnsSnapshot, filter: Filter, names: ReadonlyMap<number, string>): ConnsView {
	const counts = connsRows(prev, cur, names);
	const events = cur.events.filter((e) => matches(filter, e));
	const recent = cur.recent.filter((e) => matches(filter, e));
	const tables = new Map<EndpointMode, EndpointRow[]>();
	return {
		counts,
		totals: totalsOf(counts),
		events,
		recent,
		eventsLost: counterDelta(prev?.eventsLost, cur.eventsLost),
		eventsSampled: counterDelta(prev?.eventsSampled, cur.eventsSampled),
		sight: cur.sight,
		endpoints(mode) {
			let rows = tables.get(mode);
			if (!rows) tables.set(mode, (rows = endpointRows(recent, mode)));
			return rows;
		},
		toJSON() {
			return { counts, events_sampled: this.eventsSampled, events_lost: this.eventsLost, events: events.map(eventJson) };
		},
	};
}
