// Drops model: counts by reason and place, by flow, and a sample of events, as read; and one interval's view of them.
import { counterDelta } from '../../model/counters.js';
import { NO_CGROUPS, type CgroupNames } from '../../model/cgroup.js';
import { matches, matchesCgroup, type Filter } from '../../model/filter.js';
import type { OwnedFlow } from '../../model/flow.js';
import type { Snapshot } from '../../model/reading.js';
import { keepRecent } from '../../model/recent.js';

/** Reasons that are a teardown (queues freed as a socket closes), not a packet refused: shown apart so they do not drown the drops. */
export const TEARDOWN: ReadonlySet<string> = new Set(['QUEUE_PURGE', 'SOCKET_CLOSE']);

/** Drops of one reason at one place (namespace, interface, protocol), counted since nettop loaded its programs. */
export interface DropCount {
	readonly netns: number;
	readonly ifindex: number;
	/** The interface's name; "" when the packet had no device. */
	readonly ifname: string;
	/** "ipv4/udp", "ipv6/tcp", "arp", ... */
	readonly protocol: string;
	readonly reason: string;
	readonly count: number;
}

/** Drops of one reason that one socket had, with its owner. */
export interface DropFlow extends OwnedFlow {
	/** The owner's cgroup v2 id; 0 when not known. */
	readonly cgroupId: number;
	readonly reason: string;
	/** The socket's TCP state; null for a socket of another protocol (UDP has none). */
	readonly state: string | null;
	readonly count: number;
}

export interface DropEvent extends OwnedFlow {
	/** Epoch ms. */
	readonly time: number;
	/** The owner's cgroup v2 id; 0 when not known. */
	readonly cgroupId: number;
	readonly reason: string;
	/** The kernel function that dropped it: "tcp_v4_rcv+0x1a3". */
	readonly location: string;
	readonly ifname: string;
	readonly protocol: string;
	/** The socket's TCP state; null when no socket had the packet (then the flow is the packet's) or not a TCP one. */
	readonly state: string | null;
	readonly socket: boolean;
}

export const RECENT = 500;

export interface DropsSnapshot extends Snapshot {
	/** By `${netns}|${ifindex}|${protocol}|${reason}`, cumulative. */
	readonly counts: ReadonlyMap<string, DropCount>;
	/** By flow and reason (a number the collector gives each while the kernel keeps it), cumulative while the kernel keeps them; a flow whose count has not moved is the object of the read before. */
	readonly flows: ReadonlyMap<number, DropFlow>;
	/** Events since the last read, oldest first; the last RECENT, newest first. */
	readonly events: readonly DropEvent[];
	readonly recent: readonly DropEvent[];
	readonly eventsLost: number;
	readonly eventsSampled: number;
	/** The kernel's TcpExt ListenOverflows and ListenDrops, cumulative, in the namespaces nettop can enter. */
	readonly listen: ReadonlyMap<number, ListenCounters>;
}

/** A namespace's listen-queue counters (TcpExt): the kernel frees a SYN refused for a full accept queue without a drop reason. */
export interface ListenCounters {
	readonly overflows: number;
	readonly drops: number;
}

export function nextRecent(before: readonly DropEvent[], events: readonly DropEvent[]): DropEvent[] {
	return keepRecent(before, events, RECENT);
}

export interface DropRow extends DropCount {
	readonly netns_name: string | null;
	/** A socket's queues freed as it closed, not a packet refused. */
	readonly teardown: boolean;
}

export interface DropsView {
	/** Per reason and place, the interval's drops, most first. */
	readonly reasons: readonly DropRow[];
	/** Per flow and reason, the interval's drops that a socket had, most first. */
	readonly flows: readonly DropFlow[];
	readonly events: readonly DropEvent[];
	readonly recent: readonly DropEvent[];
	/** Drops, and teardown frees apart. */
	readonly drops: number;
	readonly teardown: number;
	readonly eventsLost: number;
	readonly eventsSampled: number;
	/** Per namespace, the interval's listen-queue overflows and drops, as the kernel counted them (no drop reason shows them). */
	readonly listen: readonly ListenRow[];
	/** The container of an owner's cgroup id, when it runs in one (not in JSON). */
	containerOf(cgroupId: number): string | undefined;
}

export interface ListenRow {
	readonly netns: number;
	readonly netns_name: string | null;
	readonly listen_overflows: number;
	readonly listen_drops: number;
}

/** The interval: counts grown per reason and place (never filtered: they are the kernel's), flows and events filtered. */
export function dropsView(prev: DropsSnapshot | undefined, cur: DropsSnapshot, filter: Filter, names: ReadonlyMap<number, string>, cgroups: CgroupNames = NO_CGROUPS): DropsView {
	const passes = (r: DropFlow | DropEvent) => matches(filter, r) && matchesCgroup(filter, cgroups.get(r.cgroupId));
	const reasons: DropRow[] = [];
	let drops = 0;
	let teardown = 0;
	for (const [key, c] of cur.counts) {
		const count = counterDelta(prev?.counts.get(key)?.count, c.count);
		if (count === 0) continue;
		const isTeardown = TEARDOWN.has(c.reason);
		if (isTeardown) teardown += count;
		else drops += count;
		reasons.push({ ...c, netns_name: names.get(c.netns) ?? null, count, teardown: isTeardown });
	}
	reasons.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
	const flows: DropFlow[] = [];
	for (const [id, f] of cur.flows) {
		const before = prev?.flows.get(id);
		// The same object: not moved (a churn leaves thousands of these).
		if (before === f) continue;
		const count = counterDelta(before?.count, f.count);
		if (count > 0 && passes(f)) flows.push({ ...f, count });
	}
	flows.sort((a, b) => b.count - a.count);
	const events = cur.events.filter(passes);
	const recent = cur.recent.filter(passes);
	const eventsLost = counterDelta(prev?.eventsLost, cur.eventsLost);
	const eventsSampled = counterDelta(prev?.eventsSampled, cur.eventsSampled);
	const listen: ListenRow[] = [];
	for (const [netns, l] of cur.listen) {
		const before = prev?.listen.get(netns);
		if (!before) continue;
		const row = { netns, netns_name: names.get(netns) ?? null, listen_overflows: counterDelta(before.overflows, l.overflows), listen_drops: counterDelta(before.drops, l.drops) };
		if (row.listen_overflows || row.listen_drops) listen.push(row);
	}
	return {
		reasons,
		flows,
		events,
		recent,
		drops,
		teardown,
		eventsLost,
		eventsSampled,
		listen,
		containerOf: (id) => cgroups.get(id)?.container,
	};
}
