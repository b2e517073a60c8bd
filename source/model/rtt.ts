// RTT model: one interval's histograms, overall, per remote address and per flow.
import { ownedFlow, type OwnedFlow } from '../collectors/flows.js';
import type { RttCounter } from '../collectors/rtt.js';
import { counterDelta } from './counters.js';
import { matches, type Filter } from './filter.js';
import { buckets, percentiles, type Bucket } from './histogram.js';
import { indexBy } from './index.js';

const RTT_SLOTS = 27; // bpf/nettop.h

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

const SHARES = [0.5, 0.9, 0.99];

/** One slot's growth; a slot that went down was recreated and counts whole. */
const slotDelta = (was: number, now: number) => (now >= was ? now - was : now);

/** count, sum, avg and p50/p90/p99 of a histogram. */
function figures(slots: ArrayLike<number>, count: number, sum: number): Omit<RttStats, 'buckets'> {
	const [p50, p90, p99] = percentiles(slots, SHARES) as [number, number, number];
	return { count, sum, avg: count > 0 ? round1(sum / count) : 0, p50: round1(p50), p90: round1(p90), p99: round1(p99) };
}

export function rttStats(slots: readonly number[], count: number, sum: number): RttStats {
	return { ...figures(slots, count, sum), buckets: buckets(slots) };
}

/** The samples taken during the interval on flows that pass the filter. Flows: most samples first. */
export function rttView(prev: readonly RttCounter[], cur: readonly RttCounter[], filter: Filter, unit: 'usecs' | 'msecs'): RttView {
	const before = indexBy(prev, (c) => c.cookie);
	const all = new Array<number>(RTT_SLOTS).fill(0);
	let count = 0;
	let sum = 0;
	const byAddr = new Map<string, { slots: number[]; count: number; sum: number }>();
	// Per-flow figures are for --json; the UI never shows them, so they are worked out when read.
	const flowInputs: { c: RttCounter; fresh: boolean; prev: RttCounter | undefined; n: number; s: number }[] = [];
	for (const c of cur) {
		if (!matches(filter, c)) continue;
		const p = before.get(c.cookie);
		const n = counterDelta(p?.count, c.count);
		if (n === 0) continue;
		// A recreated entry (count went down) counts whole, slots and sum alike.
		const fresh = p === undefined || c.count < p.count;
		const s = fresh ? c.sum : c.sum - p.sum;
		let a = byAddr.get(c.raddr);
		if (!a) byAddr.set(c.raddr, (a = { slots: new Array<number>(RTT_SLOTS).fill(0), count: 0, sum: 0 }));
		for (let i = 0; i < RTT_SLOTS; i++) {
			const d = slotDelta(fresh ? 0 : p.slots[i]!, c.slots[i] ?? 0);
			all[i] = all[i]! + d;
			a.slots[i] = a.slots[i]! + d;
		}
		count += n;
		sum += s;
		a.count += n;
		a.sum += s;
		flowInputs.push({ c, fresh, prev: p, n, s });
	}
	let flows: RttFlow[] | undefined;
	const flowFigures = (): RttFlow[] => {
		const slots = new Float64Array(RTT_SLOTS);
		return flowInputs
			.map(({ c, fresh, prev, n, s }) => {
				for (let i = 0; i < RTT_SLOTS; i++) slots[i] = slotDelta(fresh ? 0 : prev!.slots[i]!, c.slots[i] ?? 0);
				return Object.assign(ownedFlow(c), figures(slots, n, s));
			})
			.sort((x, y) => y.count - x.count);
	};
	const by_raddr = [...byAddr].map(([raddr, a]) => ({ raddr, ...rttStats(a.slots, a.count, a.sum) })).sort((x, y) => y.count - x.count || (x.raddr < y.raddr ? -1 : 1));
	const view: Omit<RttView, 'flows'> = { unit, ...rttStats(all, count, sum), by_raddr };
	return Object.defineProperty(view, 'flows', { enumerable: true, get: () => (flows ??= flowFigures()) }) as RttView;
}
