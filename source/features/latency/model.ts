// Latency model: sampled packets with the time each spent in each layer; one interval's histograms per stage and interface, per flow, and the packets.
import type { Cgroup, CgroupNames } from '../../model/cgroup.js';
import { matches, matchesCgroup, type Filter } from '../../model/filter.js';
import type { OwnedFlow } from '../../model/flow.js';
import { buckets, type Bucket, type Distribution } from '../../model/histogram.js';
import type { Snapshot } from '../../model/reading.js';
import { keepRecent } from '../../model/recent.js';

/** The layers, in a packet's order: send (stack, qdisc, driver), then receive (socket). */
export const STAGES = ['stack', 'qdisc', 'driver', 'socket'] as const;
export type Stage = (typeof STAGES)[number];
export type Direction = 'send' | 'receive';

export interface LatencyPacket extends OwnedFlow {
	/** Epoch ms of its first hook (net_dev_queue, netif_receive_skb). */
	readonly time: number;
	readonly dir: Direction;
	readonly ifindex: number;
	readonly ifname: string;
	/** Send: the device queue it went out on. */
	readonly queue: number;
	/** "" for a packet that is not TCP or UDP (then the flow is empty). */
	readonly proto: 'tcp' | 'udp' | '';
	readonly cgroupId: number;
	readonly len: number;
	/** µs in each stage; null where it did not pass or could not be timed. */
	readonly stages: Readonly<Record<Stage, number | null>>;
	/** TCP's departure stamp lay ahead (fq paces it): no stack time. */
	readonly paced: boolean;
	/** Send: the packets it left as (a GSO packet's segments, else 1), as a qdisc's statistics count them. */
	readonly segments: number;
	/** Send: cut into segments in software before the driver; its qdisc and driver stages are its first segment's. */
	readonly segmented: boolean;
}

/** Per direction (send, receive), cumulative. */
export interface LatencyCounts {
	/** Packets sampled and followed. */
	readonly sampled: readonly [number, number];
	/** Followed packets the hooks lost: another packet at the same address, or let go as stale. */
	readonly unmatched: readonly [number, number];
}

/** off: no program loaded; starting: loading; on: attached. */
export type LatencyState = 'off' | 'starting' | 'on';

export const RECENT = 200;

export interface LatencySnapshot extends Snapshot {
	readonly state: LatencyState;
	/** 1 packet in `every` is followed, per direction and CPU. */
	readonly every: number;
	/** Finished since the read before, oldest first; the last RECENT, newest first. */
	readonly packets: readonly LatencyPacket[];
	readonly recent: readonly LatencyPacket[];
	/** Since the read before: packets cut into segments that could not be followed (not TCP, or their first segment never reached the driver). */
	readonly unfollowed: readonly LatencyPacket[];
	/** Cumulative over every load. */
	readonly counts: LatencyCounts;
}

export function nextRecent(before: readonly LatencyPacket[], packets: readonly LatencyPacket[]): LatencyPacket[] {
	return keepRecent(before, packets, RECENT);
}

/** One stage's times, µs; percentiles are the sampled packets' own (nearest rank). */
export type StageFigures = Distribution;

export interface StageRow extends StageFigures {
	readonly stage: Stage;
	readonly netns: number;
	readonly netns_name: string | null;
	readonly ifname: string;
	/** log2 slots of µs: [lo, hi] and count, as tcprtt prints them. */
	readonly buckets: readonly Bucket[];
	/** qdisc and driver on a device whose packets left on more than one queue: the same per queue. */
	readonly queues?: readonly (StageFigures & { readonly queue: number })[];
}

/** The send stages a device queue has. */
const QUEUED: ReadonlySet<Stage> = new Set(['qdisc', 'driver']);

/** Per interface, this interval: followed packets cut into segments in software before its driver (docs/latency.md). */
export interface SegmentationRow {
	readonly netns: number;
	readonly netns_name: string | null;
	readonly ifname: string;
	/** Timed by their first segment. */
	readonly followed: number;
	/** Not TCP, or their first segment never reached the driver: counted as unmatched too. */
	readonly lost: number;
}

export interface LatencyFlowRow extends OwnedFlow, StageFigures {
	readonly stage: Stage;
	readonly proto: 'tcp' | 'udp';
	readonly cgroupId: number;
}

export interface LatencyView {
	readonly state: LatencyState;
	readonly every: number;
	/** This interval, both directions: packets sampled, timed to their last hook, and lost by the hooks (merged, segmented, freed, replaced). */
	readonly sampled: number;
	readonly timed: number;
	readonly unmatched: Readonly<Record<Direction, number>>;
	readonly stages: readonly StageRow[];
	readonly segmentation: readonly SegmentationRow[];
	readonly flows: readonly LatencyFlowRow[];
	/** This interval's packets, newest first. */
	readonly packets: readonly LatencyPacket[];
	/** The last RECENT, newest first (the tab's list). */
	readonly recent: readonly LatencyPacket[];
	/** The owner's cgroup by id (not in JSON but through its fields). */
	cgroupOf(cgroupId: number): Cgroup | undefined;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Figures of a list of µs values (sorted here). */
export function figures(values: number[]): StageFigures {
	values.sort((a, b) => a - b);
	const n = values.length;
	const rank = (share: number) => round1(values[Math.max(0, Math.ceil(share * n) - 1)] ?? 0);
	const sum = values.reduce((s, v) => s + v, 0);
	return { count: n, sum: Math.round(sum * 1000) / 1000, avg: n ? round1(sum / n) : 0, p50: rank(0.5), p90: rank(0.9), p99: rank(0.99) };
}

/** log2 slots of µs values: slot i holds [2^i, 2^(i+1)), slot 0 also below 1. */
export function slotsOf(values: readonly number[]): number[] {
	const slots: number[] = [];
	for (const v of values) {
		const i = v < 2 ? 0 : Math.floor(Math.log2(v));
		while (slots.length <= i) slots.push(0);
		slots[i]! += 1;
	}
	return slots;
}

/** Per interface, the interval's cut packets: followed (timed) and lost. */
function segmentationOf(timed: readonly LatencyPacket[], unfollowed: readonly LatencyPacket[], names: ReadonlyMap<number, string>): SegmentationRow[] {
	const rows = new Map<string, { netns: number; netns_name: string | null; ifname: string; followed: number; lost: number }>();
	const add = (p: LatencyPacket, lost: boolean) => {
		const where = `${p.netns}|${p.ifindex}`;
		let row = rows.get(where);
		if (!row) rows.set(where, (row = { netns: p.netns, netns_name: names.get(p.netns) ?? null, ifname: p.ifname, followed: 0, lost: 0 }));
		if (lost) row.lost += 1;
		else row.followed += 1;
	};
	for (const p of timed) if (p.segmented) add(p, false);
	for (const p of unfollowed) add(p, true);
	return [...rows.values()].sort((a, b) => a.netns - b.netns || a.ifname.localeCompare(b.ifname));
}

function group<T>(map: Map<string, { row: T; values: number[] }>, key: string, make: () => T, value: number): void {
	let g = map.get(key);
	if (!g) map.set(key, (g = { row: make(), values: [] }));
	g.values.push(value);
}

export function latencyView(prev: LatencySnapshot | undefined, cur: LatencySnapshot, filter: Filter, names: ReadonlyMap<number, string>, cgroups: CgroupNames): LatencyView {
	const delta = (k: keyof LatencyCounts, dir: number) => cur.counts[k][dir]! - (prev?.counts[k][dir] ?? 0);
	const keep = (p: LatencyPacket) => matches(filter, p) && matchesCgroup(filter, cgroups.get(p.cgroupId));
	const packets = cur.packets.filter(keep);
	const stageGroups = new Map<string, { row: Omit<StageRow, keyof StageFigures | 'buckets'>; values: number[] }>();
	const queueGroups = new Map<string, Map<number, number[]>>();
	const flowGroups = new Map<string, { row: Omit<LatencyFlowRow, keyof StageFigures>; values: number[] }>();
	for (const p of packets) {
		for (const stage of STAGES) {
			const us = p.stages[stage];
			if (us === null) continue;
			const where = `${stage}|${p.netns}|${p.ifindex}`;
			group(stageGroups, where, () => ({ stage, netns: p.netns, netns_name: names.get(p.netns) ?? null, ifname: p.ifname }), us);
			if (QUEUED.has(stage)) {
				let byQueue = queueGroups.get(where);
				if (!byQueue) queueGroups.set(where, (byQueue = new Map()));
				let values = byQueue.get(p.queue);
				if (!values) byQueue.set(p.queue, (values = []));
				values.push(us);
			}
			if (p.proto === '') continue;
			const flow = `${stage}|${p.pid}|${p.netns}|${p.laddr}|${p.lport}|${p.raddr}|${p.rport}|${p.proto}`;
			group(flowGroups, flow, () => ({ stage, proto: p.proto as 'tcp' | 'udp', pid: p.pid, comm: p.comm, netns: p.netns, family: p.family, laddr: p.laddr, lport: p.lport, raddr: p.raddr, rport: p.rport, cgroupId: p.cgroupId }), us);
		}
	}
	const stageOrder = (s: Stage) => STAGES.indexOf(s);
	const perQueue = (where: string) => {
		const byQueue = queueGroups.get(where);
		if (!byQueue || byQueue.size < 2) return {};
		return { queues: [...byQueue].sort(([a], [b]) => a - b).map(([queue, values]) => ({ queue, ...figures(values) })) };
	};
	const stages = [...stageGroups]
		.map(([where, { row, values }]) => ({ ...row, ...figures(values), buckets: buckets(slotsOf(values)), ...perQueue(where) }))
		.sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage) || a.netns - b.netns || a.ifname.localeCompare(b.ifname));
	const flows = [...flowGroups.values()].map(({ row, values }) => ({ ...row, ...figures(values) })).sort((a, b) => b.p99 - a.p99);
	return {
		state: cur.state,
		every: cur.every,
		sampled: delta('sampled', 0) + delta('sampled', 1),
		timed: cur.packets.length,
		unmatched: { send: delta('unmatched', 0), receive: delta('unmatched', 1) },
		stages,
		segmentation: segmentationOf(packets, cur.unfollowed.filter(keep), names),
		flows,
		packets: packets.reverse(),
		recent: cur.recent.filter(keep),
		cgroupOf: (id) => cgroups.get(id),
	};
}
