// RTT model: interval histograms overall, per remote address and per flow, with filters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_FILTER } from '../../../source/model/filter.js';
import { rttView } from '../../../source/features/rtt/model.js';
import { isLoopback } from '../../../source/model/flow.js';
import { rtt, rttSnap, rttSnapshot } from '../../fixtures/records.js';

// A reference for a flow's figures, from its raw samples and the rule
// docs/metrics.md states (log2 slots, slot i holding [2^i, 2^(i+1)) and slot 0
// also 0; a percentile interpolated inside the slot where its rank falls;
// averages and percentiles rounded to a tenth), written out plainly here so
// that the model's figures are checked against something it did not compute.
const SLOTS = 27;
const tenth = (x: number) => Math.round(x * 10) / 10;
/** The slot of a sample: the largest i with 2^i <= v (0 for 0 and 1). */
function slotOfSample(v: number): number {
	let i = 0;
	while (i < SLOTS - 1 && 2 ** (i + 1) <= v) i++;
	return i;
}
/** The value below which `share` of `samples` lie: rank = share * count, found in the first slot whose samples reach it, then linear inside that slot. */
function referencePercentile(samples: readonly number[], share: number): number {
	const counts = new Array<number>(SLOTS).fill(0);
	for (const v of samples) counts[slotOfSample(v)]! += 1;
	const rank = share * samples.length;
	let below = 0;
	for (let i = 0; i < SLOTS; i++) {
		const n = counts[i]!;
		if (n > 0 && below + n >= rank) {
			const lo = i === 0 ? 0 : 2 ** i; // slot 0 spans [0, 2)
			const hi = 2 ** (i + 1);
			return lo + ((rank - below) / n) * (hi - lo);
		}
		below += n;
	}
	return 0; // no samples
}
function referenceFigures(samples: readonly number[]) {
	const count = samples.length;
	const sum = samples.reduce((s, v) => s + v, 0);
	const p = (share: number) => tenth(referencePercentile(samples, share));
	return { count, sum, avg: count > 0 ? tenth(sum / count) : 0, p50: p(0.5), p90: p(0.9), p99: p(0.99) };
}

test('the reference itself, by hand', () => {
	// 3 -> slot 1 [2, 4); 5000 twice -> slot 12 [4096, 8192). Ranks 1.5, 2.7, 2.97 fall
	// in slot 12 (1 below): 4096 + (rank - 1) / 2 * 4096 = 5120, 7577.6, 8130.56.
	// avg 10003 / 3 = 3334.33.
	assert.deepEqual(referenceFigures([3, 5000, 5000]), { count: 3, sum: 10003, avg: 3334.3, p50: 5120, p90: 7577.6, p99: 8130.6 });
	// All in slot 6 [64, 128): 64 + rank / 4 * 64 for ranks 2, 3.6, 3.96 = 96, 121.6, 127.36.
	assert.deepEqual(referenceFigures([70, 80, 90, 100]), { count: 4, sum: 340, avg: 85, p50: 96, p90: 121.6, p99: 127.4 });
	// Slot 17 [131072, 262144): 131072 * (1 + share) = 196608, 249036.8, 260833.28.
	assert.deepEqual(referenceFigures([200_000]), { count: 1, sum: 200_000, avg: 200_000, p50: 196_608, p90: 249_036.8, p99: 260_833.3 });
	// 0 and 1 share slot 0, [0, 2): rank 1 of 2 -> 0 + 1 / 2 * 2 = 1.
	assert.deepEqual(referenceFigures([0, 1]), { count: 2, sum: 1, avg: 0.5, p50: 1, p90: 1.8, p99: 2 });
	assert.deepEqual(referenceFigures([]), { count: 0, sum: 0, avg: 0, p50: 0, p90: 0, p99: 0 });
});

test('only the samples of the interval count', () => {
	const prev = [rtt([100, 100], { cookie: 1 })];
	const cur = [rtt([100, 100, 100, 5000], { cookie: 1 })];
	const v = rttView(rttSnap(prev), rttSnap(cur), NO_FILTER, 'usecs');
	assert.equal(v.count, 2);
	assert.equal(v.sum, 5100);
	assert.equal(v.avg, 2550);
	assert.deepEqual(
		v.buckets.filter((b) => b.count > 0).map((b) => [b.lo, b.count]),
		[
			[64, 1],
			[4096, 1],
		],
	);
});

test('per remote address and per flow, most samples first; idle flows left out', () => {
	const cur = [
		rtt([10, 20], { cookie: 1, raddr: '10.0.0.9' }),
		rtt([300, 300, 300], { cookie: 2, raddr: '10.0.0.7' }),
		rtt([30, 40], { cookie: 3, raddr: '10.0.0.9' }),
		rtt([1], { cookie: 4, raddr: '10.0.0.5' }),
	];
	const prev = [rtt([1], { cookie: 4, raddr: '10.0.0.5' })];
	const v = rttView(rttSnap(prev), rttSnap(cur), NO_FILTER, 'usecs');
	assert.deepEqual(v.by_raddr.map((a) => [a.raddr, a.count]), [
		['10.0.0.9', 4],
		['10.0.0.7', 3],
	]);
	assert.deepEqual(v.flows.map((f) => f.count), [3, 2, 2]);
	assert.equal(v.count, 7);
	assert.ok(!('buckets' in v.flows[0]!), 'flows carry figures, not buckets');
});

test('a recreated entry (count went down) counts whole', () => {
	const v = rttView(rttSnap([rtt([8, 8, 8, 8, 8], { cookie: 1 })]), rttSnap([rtt([1000], { cookie: 1 })]), NO_FILTER, 'usecs');
	assert.deepEqual([v.count, v.sum], [1, 1000]);
});

test('filters apply before aggregation', () => {
	const cur = [rtt([10], { cookie: 1, pid: 1 }), rtt([9000], { cookie: 2, pid: 2 })];
	const v = rttView(undefined, rttSnap(cur), { pids: new Set([2]), ports: new Set() }, 'msecs');
	assert.deepEqual([v.unit, v.count, v.sum, v.by_raddr.length], ['msecs', 1, 9000, 1]);
});

test('a histogram that widens between reads: each slot counts only its growth', () => {
	const prev = [rtt([100, 100], { cookie: 1 }), rtt([3000], { cookie: 2, raddr: '10.0.0.8' })];
	const cur = [rtt([2, 100, 100, 100, 50_000], { cookie: 1 }), rtt([3000, 3000, 3000], { cookie: 2, raddr: '10.0.0.8' })];
	const v = rttView(rttSnap(prev), rttSnap(cur), NO_FILTER, 'usecs');
	assert.deepEqual(
		v.buckets.filter((b) => b.count > 0).map((b) => [b.lo, b.count]),
		[
			[2, 1],
			[64, 1],
			[2048, 2],
			[32768, 1],
		],
	);
	// Cookie 1's interval: 2 (slot 1), one 100 (slot 6: [64, 128)), 50000 (slot 15);
	// rank 1.5 falls in slot 6 with 1 below: 64 + 0.5 * 64 = 96. Cookie 2's: two
	// 3000s (slot 11: [2048, 4096)); rank 1 of 2: 2048 + 1 / 2 * 2048 = 3072.
	assert.deepEqual(v.flows.map((f) => [f.count, f.sum, f.p50]), [
		[3, 2 + 100 + 50_000, 96],
		[2, 6000, 3072],
	]);
	assert.deepEqual(
		v.flows.map(({ count, sum, avg, p50, p90, p99 }) => ({ count, sum, avg, p50, p90, p99 })),
		[referenceFigures([2, 100, 50_000]), referenceFigures([3000, 3000])],
		'all the figures, as the reference works them out from the interval\'s samples',
	);
});

test('each flow\'s figures are those of its own samples alone, flow after flow', () => {
	// Flows over different slot ranges, one after another: nothing of one flow's
	// histogram may leak into the next one's percentiles.
	const values = (k: number) => (k % 3 === 0 ? [3, 5000, 5000] : k % 3 === 1 ? [70, 80, 90, 100] : [200_000]);
	// Cookies no other test uses: the fixture's table gives them slots in first-seen
	// order, that is k's order, so flows with as many samples keep k's order.
	const prev = Array.from({ length: 30 }, (_, k) => rtt([], { cookie: 101 + k, lport: 2000 + k }));
	const cur = Array.from({ length: 30 }, (_, k) => rtt(values(k), { cookie: 101 + k, lport: 2000 + k }));
	const v = rttView(rttSnap(prev), rttSnap(cur), NO_FILTER, 'usecs');
	// Most samples first: the ten with 4 (k % 3 = 1), the ten with 3 (k % 3 = 0), the ten with 1; k ascending in each.
	const ks = Array.from({ length: 30 }, (_, k) => k).sort((a, b) => values(b).length - values(a).length || a - b);
	const expected = ks.map((k) => {
		const { pid, comm, netns, family, laddr, lport, raddr, rport } = cur[k]!;
		return { pid, comm, netns, family, laddr, lport, raddr, rport, ...referenceFigures(values(k)) };
	});
	assert.equal(v.flowCount, 30);
	assert.deepEqual(v.flows, expected.map((e) => ({ ...e, cgroup: null, container: null })), 'every flow, in order, with its own figures');
	const range: object[] = [];
	v.eachFlowBetween(10, 20, ({ pid, comm, netns, family, laddr, lport, raddr, rport }, { count, sum, avg, p50, p90, p99 }) =>
		range.push({ pid, comm, netns, family, laddr, lport, raddr, rport, count, sum, avg, p50, p90, p99 }),
	);
	assert.deepEqual(range, expected.slice(10, 20), 'a range gives flows 10 to 19 (the ones with 3 samples), their figures');
	// By hand: k = 0, 3, ..., 27.
	assert.deepEqual(
		range.map((r) => (r as { lport: number }).lport),
		Array.from({ length: 10 }, (_, m) => 2000 + 3 * m),
	);
	const { count, sum, avg, p50, p90, p99 } = v;
	assert.deepEqual({ count, sum, avg, p50, p90, p99 }, referenceFigures(Array.from({ length: 30 }, (_, k) => values(k)).flat()), 'and all of them together');
});

test('slot 0 holds 0 and 1 and is two wide; a rank on a slot\'s edge stays in that slot', () => {
	const a = [0, 1, 1, 6];
	const b = [1, 6];
	const v = rttView(undefined, rttSnap([rtt(a, { cookie: 201, lport: 3001 }), rtt(b, { cookie: 202, lport: 3002 })]), NO_FILTER, 'usecs');
	const figures = ({ count, sum, avg, p50, p90, p99 }: { count: number; sum: number; avg: number; p50: number; p90: number; p99: number }) => ({ count, sum, avg, p50, p90, p99 });
	assert.deepEqual(v.flows.map(figures), [referenceFigures(a), referenceFigures(b)]);
	// By hand: a's rank 2 of 4 falls in slot 0 (3 there): 2 / 3 * 2 = 1.33; b's rank 1
	// of 2 is exactly slot 0's count: its top, 0 + 1 / 1 * 2 = 2 (not slot 2's bottom, 4).
	assert.deepEqual([v.flows[0]!.p50, v.flows[1]!.p50], [1.3, 2]);
	// Overall: 0, 1, 1, 1 in slot 0 and 6, 6 in slot 2 [4, 8); rank 3 of 6: 3 / 4 * 2 = 1.5.
	assert.deepEqual(figures(v), referenceFigures([...a, ...b]));
	assert.equal(v.p50, 1.5);
});

test('loopback: 127.0.0.0/8, ::1, or a connection to its own address', () => {
	const f = (laddr: string, raddr: string) => isLoopback({ laddr, raddr });
	assert.deepEqual([f('127.0.0.1', '127.0.0.1'), f('10.0.0.1', '127.1.2.3'), f('::1', '::1'), f('10.0.0.1', '10.0.0.1'), f('10.0.0.1', '10.0.0.2'), f('fd00::1', 'fd00::2')], [true, true, true, true, false, false]);
	const s = rttView(undefined, rttSnapshot([rtt([10, 20], { cookie: 1, pid: 4242, laddr: '127.0.0.1', raddr: '127.0.0.1' }), rtt([30], { cookie: 2, pid: 4242 })]), NO_FILTER, 'usecs');
	assert.equal(s.loopback_count, 2, 'the samples on the loopback connection, of 3');
	assert.deepEqual(s.by_process.map((p) => [p.pid, p.connections, p.count]), [[4242, 2, 3]], 'one process, both its connections');
});
