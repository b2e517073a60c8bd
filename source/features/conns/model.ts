// Connections model: per-namespace counters as the kernel's Tcp MIB counts them, connection events, and one interval's view of both.
import { counterDelta } from '../../model/counters.js';
import { NO_CGROUPS, type CgroupNames } from '../../model/cgroup.js';
import { matches, matchesCgroup, type Filter } from '../../model/filter.js';
import type { Snapshot } from '../../model/reading.js';
import { keepRecent } from '../../model/recent.js';
import { endpointRows, type EndpointMode, type EndpointRow } from './endpoint-model.js';
import type { ConnEvent } from './event-model.js';

export type { ConnEvent, ConnEventType, Direction } from './event-model.js';

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

/** Events kept for the rolling list and the per-endpoint table: the last RECENT of them. */
export const RECENT = 1000;

/** What this kernel lets nettop see; what it cannot is said on the tab and in the JSON (not_seen) instead of counted short. */
export interface ConnsSight {
	/** RSTs sent: all of them (tcp_send_reset fires without a socket since Linux 6.9), only those of sockets (before), or none (no tcp_send_reset). */
	readonly resetsSent: 'all' | 'sockets' | 'none';
	/** tcp_receive_reset is traced. */
	readonly resetsReceived: boolean;
	/** accept() and accept4() are traced (syscall tracepoints): accept events. */
	readonly accepts: boolean;
	/** Why not, when it is this machine's doing rather than the kernel's (tracefs not mounted). */
	readonly acceptsWhy?: string;
}

/** The JSON's names for what this kernel does not let nettop see. */
export function notSeen(sight: ConnsSight): string[] {
	const out: string[] = [];
	if (sight.resetsSent === 'none') out.push('rst_out');
	if (sight.resetsSent === 'sockets') out.push('rst_out_without_socket');
	if (!sight.resetsReceived) out.push('rst_in');
	if (!sight.accepts) out.push('accept');
	return out;
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
	return keepRecent(before, events, RECENT);
}

/** One namespace's interval: how much each counter grew, and connections established now. */
export interface ConnsRow extends ConnCounts {
	readonly netns: number;
	/** Its name as `ip netns` knows it, or null. */
	readonly netns_name: string | null;
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
	/** The container of an owner's cgroup id, when it runs in one. */
	containerOf(cgroupId: number): string | undefined;
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
	// Namespaces with counts, connections, or failures the MIB grew by: not every idle one of a node's 200 pods.
	const candidates = new Set(cur.counts.keys());
	for (const [netns, mib] of cur.mib) {
		const before = prev?.mib.get(netns);
		if (mib.established || (before && before.attemptFails !== mib.attemptFails)) candidates.add(netns);
	}
	const netnses = [...candidates].sort((a, b) => a - b);
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
			netns_name: name ?? null,
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

/** The interval from `prev` to `cur`: counts per namespace (never filtered: they are the kernel's), events filtered. */
export function connsView(prev: ConnsSnapshot | undefined, cur: ConnsSnapshot, filter: Filter, names: ReadonlyMap<number, string>, cgroups: CgroupNames = NO_CGROUPS): ConnsView {
	const counts = connsRows(prev, cur, names);
	const passes = (e: ConnEvent) => matches(filter, e) && matchesCgroup(filter, cgroups.get(e.cgroupId));
	const events = cur.events.filter(passes);
	const recent = cur.recent.filter(passes);
	const tables = new Map<EndpointMode, EndpointRow[]>();
	return {
		counts,
		totals: totalsOf(counts),
		events,
		recent,
		eventsLost: counterDelta(prev?.eventsLost, cur.eventsLost),
		eventsSampled: counterDelta(prev?.eventsSampled, cur.eventsSampled),
		sight: cur.sight,
		containerOf: (id) => cgroups.get(id)?.container,
		endpoints(mode) {
			let rows = tables.get(mode);
			if (!rows) tables.set(mode, (rows = endpointRows(recent, mode)));
			return rows;
		},
	};
}
