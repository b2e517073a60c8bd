// RTT model: interval histograms overall, per remote address and per flow, with filters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_FILTER } from '../../../source/model/filter.js';
import { rttView } from '../../../source/features/rtt/model.js';
import { isLoopback } from '../../../source/model/flow.js';
import { rtt, rttSnap, rttSnapshot } from '../../fixtures/records.js';

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
	assert.deepEqual(v.flows.map((f) => [f.count, f.sum, f.p50]), [
		[3, 2 + 100 + 50_000, 96],
		[2, 6000, 3072],
	]);
});

test('each flow\'s figures are those of its own samples alone, flow after flow', () => {
	// Flows over different slot ranges, one after another: nothing of one flow's
	// histogram may leak into the next one's percentiles.
	const values = (k: number) => (k % 3 === 0 ? [3, 5000, 5000] : k % 3 === 1 ? [70, 80, 90, 100] : [200_000]);
	const prev = Array.from({ length: 30 }, (_, k) => rtt([], { cookie: k + 1, lport: 2000 + k }));
	const cur = Array.from({ length: 30 }, (_, k) => rtt(values(k), { cookie: k + 1, lport: 2000 + k }));
	const v = rttView(rttSnap(prev), rttSnap(cur), NO_FILTER, 'usecs');
	assert.equal(v.flows.length, 30);
	for (const f of v.flows) {
		const alone = rttView(undefined, rttSnap([cur[f.lport - 2000]!]), NO_FILTER, 'usecs');
		const { count, sum, avg, p50, p90, p99 } = alone;
		assert.deepEqual([f.count, f.sum, f.avg, f.p50, f.p90, f.p99], [count, sum, avg, p50, p90, p99], `flow ${f.lport}`);
	}
	const range: object[] = [];
	v.eachFlowBetween(10, 20, (f, x) => range.push({ ...f, ...x }));
	const pick = ({ pid, comm, netns, family, laddr, lport, raddr, rport, count, sum, avg, p50, p90, p99 }: (typeof v.flows)[number]) => ({ pid, comm, netns, family, laddr, lport, raddr, rport, count, sum, avg, p50, p90, p99, cgroup: null, container: null });
	assert.deepEqual(range.map((r) => pick(r as (typeof v.flows)[number])), v.flows.slice(10, 20), 'a range gives the same flows, the same figures');
});

test('loopback: 127.0.0.0/8, ::1, or a connection to its own address', () => {
	const f = (laddr: string, raddr: string) => isLoopback({ laddr, raddr });
	assert.deepEqual([f('127.0.0.1', '127.0.0.1'), f('10.0.0.1', '127.1.2.3'), f('::1', '::1'), f('10.0.0.1', '10.0.0.1'), f('10.0.0.1', '10.0.0.2'), f('fd00::1', 'fd00::2')], [true, true, true, true, false, false]);
	const s = rttView(undefined, rttSnapshot([rtt([10, 20], { cookie: 1, laddr: '127.0.0.1', raddr: '127.0.0.1' }), rtt([30], { cookie: 2 })]), NO_FILTER, 'usecs');
	assert.equal(s.loopback_count, 2, 'the samples on the loopback connection, of 3');
	assert.deepEqual(s.by_process.map((p) => [p.pid, p.connections, p.count]), [[s.flows[0]!.pid, 2, 3]], 'one process, both its connections');
});
