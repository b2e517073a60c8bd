// RTT model: one interval's histograms, overall, per remote address and per flow.
import { counterDelta } from '../../model/counters.js';
import { cgroupFields, NO_CGROUPS, type Cgroup, type CgroupNames } from '../../model/cgroup.js';
import { isFiltering, matches, matchesCgroup, type Filter } from '../../model/filter.js';
import { loopbackAddress, type OwnedFlow } from '../../model/flow.js';
import { buckets, percentiles, type Bucket, type Distribution } from '../../model/histogram.js';
import { indexesByKeyDescending } from '../../model/order.js';
import { requireCurrent } from '../../model/reading.js';
import { matchSlots } from '../../model/slots.js';
import { RTT_SLOTS, type RttFlow, type RttSnapshot } from './snapshot.js';

export interface RttStats extends Distribution {
	readonly buckets: readonly Bucket[];
}

export interface RttAddress extends RttStats {
	readonly raddr: string;
	readonly netns: number;
	/** The namespace's name as `ip netns` knows it, else null. */
	readonly netns_name: string | null;
}

export interface RttProcess extends RttStats {
	readonly pid: number;
	readonly comm: string;
	readonly connections: number;
	readonly cgroup: string | null;
	readonly container: string | null;
}


/** Per flow: the figures without the buckets (a line each in JSON and the UI). */
export interface RttFlowFigures extends OwnedFlow, Omit<RttStats, 'buckets'> {
	readonly cgroup: string | null;
	readonly container: string | null;
}

export interface RttView extends RttStats {
	readonly unit: 'usecs' | 'msecs';
	/** Per remote address in its namespace: 127.0.0.1 in two namespaces is two addresses. */
	readonly by_raddr: readonly RttAddress[];
	/** Per process (PID and command). */
	readonly by_process: readonly RttProcess[];
	/** Samples on connections over loopback (to 127.0.0.0/8, ::1, or the local address itself), of `count`. */
	readonly loopback_count: number;
	readonly flows: readonly RttFlowFigures[];
	/** flows.length, without building them (not in JSON). */
	readonly flowCount: number;
	/**
	 * flows[from..to), each as its flow and its figures, without building a
	 * record: to write them a few at a time (not in JSON). The figures object
	 * is reused: valid during the call only.
	 */
	eachFlowBetween(from: number, to: number, visit: (flow: RttFlow, figures: FlowFigures) => void): void;
	/** A flow's owner's cgroup, when known (not in JSON). */
	cgroupOf(flow: RttFlow): Cgroup | undefined;
}

/** A flow's figures, without the flow. */
export type FlowFigures = Omit<RttStats, 'buckets'>;

const round1 = (n: number) => Math.round(n * 10) / 10;

const SHARES = [0.5, 0.9, 0.99];

/** One slot's growth; a slot that went down was recreated and counts whole. */
const slotDelta = (was: number, now: number) => (now >= was ? now - was : now);

type Figures = { -readonly [K in keyof FlowFigures]: FlowFigures[K] };
const newFigures = (): Figures => ({ count: 0, sum: 0, avg: 0, p50: 0, p90: 0, p99: 0 });
const pcts = new Float64Array(SHARES.length);

/** count, sum, avg and p50/p90/p99 of a histogram (whose slots outside [lo, end) are 0), into `into` (a new object by default). */
function figures(slots: ArrayLike<number>, count: number, sum: number, lo = 0, end = slots.length, into = newFigures()): FlowFigures {
	percentiles(slots, SHARES, lo, end, pcts);
	into.count = count;
	into.sum = sum;
	into.avg = count > 0 ? round1(sum / count) : 0;
	into.p50 = round1(pcts[0]!);
	into.p90 = round1(pcts[1]!);
	into.p99 = round1(pcts[2]!);
	return into;
}

function rttStats(slots: ArrayLike<number>, count: number, sum: number): RttStats {
	return { ...figures(slots, count, sum), buckets: buckets(slots) };
}

const sameFlow = (a: RttFlow, b: RttFlow) => a === b || a.cookie === b.cookie;

/**
 * This interval's slots of entry i of `cur` (j: the same flow in `prev`, or
 * -1), `n` samples in all, into out[lo..end) where lo = cur.histLo[i];
 * returns end. The other slots are 0: the flow's packed histogram holds no
 * more, and the scan stops once it has found the n samples.
 */
function intervalSlots(prev: RttSnapshot | undefined, cur: RttSnapshot, i: number, j: number, n: number, out: Float64Array): number {
	const lo = cur.histLo[i]!;
	const at = cur.histAt[i]! - lo; // slot k is hist[at + k]
	const last = lo + cur.histAt[i + 1]! - cur.histAt[i]!;
	const hist = cur.hist;
	// A recreated entry (count went down) counts whole, slots and sum alike.
	if (j < 0 || cur.samples[i]! < prev!.samples[j]!) {
		for (let k = lo; k < last; k++) out[k] = hist[at + k]!;
		return last;
	}
	const plo = prev!.histLo[j]!;
	const pat = prev!.histAt[j]! - plo;
	const plast = plo + prev!.histAt[j + 1]! - prev!.histAt[j]!;
	const was = prev!.hist;
	let found = 0;
	let k = lo;
	for (; k < last && found < n; k++) {
		const d = slotDelta(k >= plo && k < plast ? was[pat + k]! : 0, hist[at + k]!);
		out[k] = d;
		found += d;
	}
	return k;
}

/** The samples taken during the interval on flows that pass the filter. Flows: most samples first. */
export function rttView(
	prev: RttSnapshot | undefined,
	cur: RttSnapshot,
	filter: Filter,
	unit: 'usecs' | 'msecs',
	names: ReadonlyMap<number, string> = new Map(),
	cgroups: CgroupNames = NO_CGROUPS,
): RttView {
	const before = matchSlots(prev, cur, sameFlow);
	const filtering = isFiltering(filter);
	const all = new Float64Array(RTT_SLOTS);
	const d = new Float64Array(RTT_SLOTS);
	let count = 0;
	let sum = 0;
	type Acc = { raddr: string; netns: number; loops: boolean; slots: Float64Array; count: number; sum: number };
	// Per namespace, per address: no key string to build per flow.
	const byAddr = new Map<number, Map<string, Acc>>();
	let a: Acc | undefined;
	let addr: string | undefined;
	let ns = -1;
	type ProcAcc = { pid: number; comm: string; cgroupId: number; connections: number; slots: Float64Array; count: number; sum: number };
	const byPid = new Map<number, ProcAcc>();
	let p: ProcAcc | undefined;
	let loopback = 0;
	// The entries with samples this interval, with their samples and sum, for the per-flow figures.
	const moved = new Int32Array(cur.count);
	const movedSamples = new Float64Array(cur.count);
	const movedSum = new Float64Array(cur.count);
	let nMoved = 0;
	const samplesOf = (i: number) => counterDelta(before[i]! < 0 ? undefined : prev!.samples[before[i]!], cur.samples[i]!);
	const sumOf = (i: number, j: number) => (j < 0 || cur.samples[i]! < prev!.samples[j]! ? cur.sum[i]! : cur.sum[i]! - prev!.sum[j]!);
	for (let i = 0; i < cur.count; i++) {
		const c = cur.flows[i]!;
		if (filtering && !(matches(filter, c) && matchesCgroup(filter, cgroups.get(c.cgroupId)))) continue;
		const n = samplesOf(i);
		if (n === 0) continue;
		const j = before[i]!;
		const s = sumOf(i, j);
		// Flows to one address often sit side by side: look it up when the address changes.
		if (c.raddr !== addr || c.netns !== ns) {
			addr = c.raddr;
			ns = c.netns;
			let inNs = byAddr.get(ns);
			if (!inNs) byAddr.set(ns, (inNs = new Map()));
			a = inNs.get(addr);
			if (!a) inNs.set(addr, (a = { raddr: addr, netns: ns, loops: loopbackAddress(addr), slots: new Float64Array(RTT_SLOTS), count: 0, sum: 0 }));
		}
		// A process's flows often sit side by side too.
		if (p?.pid !== c.pid) {
			p = byPid.get(c.pid);
			if (!p) byPid.set(c.pid, (p = { pid: c.pid, comm: c.comm, cgroupId: c.cgroupId, connections: 0, slots: new Float64Array(RTT_SLOTS), count: 0, sum: 0 }));
		}
		const end = intervalSlots(prev, cur, i, j, n, d);
		const slots = a!.slots;
		const pslots = p.slots;
		for (let k = cur.histLo[i]!; k < end; k++) {
			all[k] = all[k]! + d[k]!;
			slots[k] = slots[k]! + d[k]!;
			pslots[k] = pslots[k]! + d[k]!;
		}
		count += n;
		sum += s;
		a!.count += n;
		a!.sum += s;
		p.connections++;
		p.count += n;
		p.sum += s;
		// isLoopback(c), with the address's part worked out once per address.
		if (a!.loops || c.raddr === c.laddr) loopback += n;
		moved[nMoved] = i;
		movedSamples[nMoved] = n;
		movedSum[nMoved++] = s;
	}
	// Per-flow figures are for --json; the UI never shows them, so they are worked out when read.
	let order: number[] | undefined; // positions in `moved`, most samples first
	const one = new Float64Array(RTT_SLOTS); // one flow's slots
	const its = newFigures(); // and its figures
	const eachFlowBetween = (from: number, to: number, visit: (flow: RttFlow, figures: FlowFigures) => void): void => {
		requireCurrent(cur);
		if (prev) requireCurrent(prev);
		order ??= indexesByKeyDescending(nMoved, (m) => movedSamples[m]!);
		for (let k = from; k < Math.min(to, nMoved); k++) {
			const m = order[k]!;
			const i = moved[m]!;
			const n = movedSamples[m]!;
			// intervalSlots writes all of one[lo..end), and the figures read only that.
			const lo = cur.histLo[i]!;
			const end = intervalSlots(prev, cur, i, before[i]!, n, one);
			visit(cur.flows[i]!, figures(one, n, movedSum[m]!, lo, end, its));
		}
	};
	let flows: RttFlowFigures[] | undefined;
	const allFlows = (): RttFlowFigures[] => {
		const out: RttFlowFigures[] = [];
		eachFlowBetween(0, nMoved, (f, { count, sum, avg, p50, p90, p99 }) =>
			out.push({ pid: f.pid, comm: f.comm, netns: f.netns, family: f.family, laddr: f.laddr, lport: f.lport, raddr: f.raddr, rport: f.rport, count, sum, avg, p50, p90, p99, ...cgroupFields(cgroups, f.cgroupId) }),
		);
		return out;
	};
	const by_raddr: RttAddress[] = [...byAddr.values()]
		.flatMap((inNs) => [...inNs.values()])
		.map((a) => ({ raddr: a.raddr, netns: a.netns, netns_name: names.get(a.netns) ?? null, ...rttStats(a.slots, a.count, a.sum) }))
		.sort((x, y) => y.count - x.count || (x.raddr < y.raddr ? -1 : x.raddr > y.raddr ? 1 : x.netns - y.netns));
	const by_process: RttProcess[] = [...byPid.values()]
		.map((p) => ({ pid: p.pid, comm: p.comm, connections: p.connections, ...rttStats(p.slots, p.count, p.sum), ...cgroupFields(cgroups, p.cgroupId) }))
		.sort((x, y) => y.count - x.count || x.pid - y.pid);
	const { avg, p50, p90, p99, buckets: slots } = rttStats(all, count, sum);
	// In the order JSON writes it (rtt/index.ts).
	const view: Omit<RttView, 'flows' | 'flowCount' | 'eachFlowBetween' | 'cgroupOf'> = { unit, count, sum, avg, p50, p90, p99, loopback_count: loopback, buckets: slots, by_raddr, by_process };
	return Object.defineProperties(view, {
		flows: { enumerable: true, get: () => (flows ??= allFlows()) },
		flowCount: { value: nMoved },
		eachFlowBetween: { value: eachFlowBetween },
		cgroupOf: { value: (f: RttFlow) => cgroups.get(f.cgroupId) },
	}) as RttView;
}
