// RTT model: one interval's histograms, overall, per remote address and per flow.
import { ownedFlow, type OwnedFlow } from '../collectors/flows.js';
import type { RttCounter } from '../collectors/rtt.js';
import { counterDelta } from './counters.js';
import { matches, type Filter } from './filter.js';
import { addSlots, buckets, percentile, slotDeltas, type Bucket } from './histogram.js';

export interface RttStats {
	readonly count: number;
	readonly sum: number;
	readonly avg: number;
	readonly p50: number;
	readonly p90: number;
	readonly p99: number;
	readonly buckets: readonly Bucket[];
}

/** Per flow: the figures without the buckets (a line each in JSON and the UI). */
export interface RttFlow extends OwnedFlow, Omit<RttStats, 'buckets'> {}

export interface RttView extends RttStats {
	readonly unit: 'usecs' | 'msecs';
	readonly by_raddr: readonly (RttStats & { readonly raddr: string })[];
	readonly flows: readonly RttFlow[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function rttStats(slots: readonly number[], count: number, sum: number): RttStats {
	return {
		count,
		sum,
		avg: count > 0 ? round1(sum / count) : 0,
		p50: round1(percentile(slots, 0.5)),
		p90: round1(percentile(slots, 0.9)),
		p99: round1(percentile(slots, 0.99)),
		buckets: buckets(slots),
	};
}

/** The samples taken during the interval on flows that pass the filter. Flows: most samples first. */
export function rttView(prev: readonly RttCounter[], cur: readonly RttCounter[], filter: Filter, unit: 'usecs' | 'msecs'): RttView {
	const before = new Map(prev.map((c) => [c.cookie, c]));
	const all: number[] = [];
	let count = 0;
	let sum = 0;
	const byAddr = new Map<string, { slots: number[]; count: number; sum: number }>();
	const flows: RttFlow[] = [];
	for (const c of cur) {
		if (!matches(filter, c)) continue;
		const p = before.get(c.cookie);
		const n = counterDelta(p?.count, c.count);
		if (n === 0) continue;
		// A recreated entry (count went down) counts whole, slots and sum alike.
		const fresh = p === undefined || c.count < p.count;
		const slots = slotDeltas(fresh ? undefined : p.slots, c.slots);
		const s = fresh ? c.sum : c.sum - p.sum;
		addSlots(all, slots);
		count += n;
		sum += s;
		const a = byAddr.get(c.raddr) ?? { slots: [], count: 0, sum: 0 };
		addSlots(a.slots, slots);
		a.count += n;
		a.sum += s;
		byAddr.set(c.raddr, a);
		const { buckets: _buckets, ...stats } = rttStats(slots, n, s);
		flows.push({ ...ownedFlow(c), ...stats });
	}
	const by_raddr = [...byAddr].map(([raddr, a]) => ({ raddr, ...rttStats(a.slots, a.count, a.sum) })).sort((x, y) => y.count - x.count || (x.raddr < y.raddr ? -1 : 1));
	return { unit, ...rttStats(all, count, sum), by_raddr, flows: flows.sort((x, y) => y.count - x.count) };
}
