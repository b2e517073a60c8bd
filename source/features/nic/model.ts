// NIC model: counters per queue as read, per-queue deltas between two reads, and per-interface totals.
import { counterDelta } from '../../model/counters.js';
import type { Snapshot } from '../../model/reading.js';

/** Counters since the entry was created in the kernel (monotonic). */
export interface NicCounter {
	readonly netns: number;
	readonly ifindex: number;
	readonly queue: number;
	readonly ifname: string;
	readonly tx_bytes: number;
	readonly tx_packets: number;
	readonly rx_bytes: number;
	readonly rx_packets: number;
}

export interface NicSnapshot extends Snapshot {
	readonly counters: readonly NicCounter[];
}

/** Identifies one queue of one interface in one namespace. */
export function nicId(c: { netns: number; ifindex: number; queue: number }): string {
	return `${c.netns}:${c.ifindex}:${c.queue}`;
}

/** What one (netns, ifindex, queue) moved during one interval. */
export interface NicDelta {
	readonly ifname: string;
	readonly ifindex: number;
	readonly netns: number;
	/** The namespace's name as `ip netns` knows it, else null. */
	readonly netns_name: string | null;
	readonly queue: number;
	readonly tx_bytes: number;
	readonly tx_packets: number;
	readonly rx_bytes: number;
	readonly rx_packets: number;
}

const COUNTERS = ['tx_bytes', 'tx_packets', 'rx_bytes', 'rx_packets'] as const;
type Counter = (typeof COUNTERS)[number];

/**
 * Per-queue deltas from `prev` to `cur`. Keys only in `prev` vanished and are
 * dropped; keys only in `cur` count from zero. Sorted by netns, ifindex, queue.
 */
export function nicDeltas(prev: readonly NicCounter[], cur: readonly NicCounter[], names: ReadonlyMap<number, string> = new Map()): NicDelta[] {
	const before = new Map(prev.map((c) => [nicId(c), c]));
	const rows = cur.map((c): NicDelta => {
		const p = before.get(nicId(c));
		return {
			ifname: c.ifname,
			ifindex: c.ifindex,
			netns: c.netns,
			netns_name: names.get(c.netns) ?? null,
			queue: c.queue,
			tx_bytes: counterDelta(p?.tx_bytes, c.tx_bytes),
			tx_packets: counterDelta(p?.tx_packets, c.tx_packets),
			rx_bytes: counterDelta(p?.rx_bytes, c.rx_bytes),
			rx_packets: counterDelta(p?.rx_packets, c.rx_packets),
		};
	});
	return rows.sort((a, b) => a.netns - b.netns || a.ifindex - b.ifindex || a.queue - b.queue);
}

/** One interface's queues added up. */
export interface NicInterface {
	readonly ifname: string;
	readonly ifindex: number;
	readonly netns: number;
	readonly netns_name: string | null;
	readonly tx_bytes: number;
	readonly tx_packets: number;
	readonly rx_bytes: number;
	readonly rx_packets: number;
	readonly queues: readonly NicDelta[];
}

/** Groups per-queue rows by interface (netns, ifindex), keeping the order of `rows`. */
export function nicInterfaces(rows: readonly NicDelta[]): NicInterface[] {
	const groups = new Map<string, NicDelta[]>();
	for (const r of rows) {
		const id = `${r.netns}:${r.ifindex}`;
		const list = groups.get(id);
		if (list) list.push(r);
		else groups.set(id, [r]);
	}
	return [...groups.values()].map((queues) => {
		const sum = (k: Counter) => queues.reduce((t, q) => t + q[k], 0);
		const first = queues[0]!;
		return {
			ifname: first.ifname,
			ifindex: first.ifindex,
			netns: first.netns,
			netns_name: first.netns_name,
			tx_bytes: sum('tx_bytes'),
			tx_packets: sum('tx_packets'),
			rx_bytes: sum('rx_bytes'),
			rx_packets: sum('rx_packets'),
			queues,
		};
	});
}
