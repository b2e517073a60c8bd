// The pipeline: interval length, deltas for every feature, the filter, unavailable collectors, lost updates; paused copies; stale reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Reading } from '../source/features/index.js';
import { FRAMES, FramePool } from '../source/kernel/frames.js';
import { NO_FILTER } from '../source/model/filter.js';
import { buildSample, Pipeline } from '../source/pipeline.js';
import { headerLine } from '../source/output/frame.js';
import { plainText } from '../source/format/lines.js';
import { available, nic, raw, retrans, rtt, tcp } from './fixtures/records.js';
import { TestStore } from './helpers/ui.js';

test('interval and time come from the readings; counters become deltas', () => {
	const prev = raw(1000, { nic: { counters: [nic(100)], lost: 0 }, tcp: { counters: [tcp(10, 0)], lost: 0 } });
	const cur = raw(1500, { nic: { counters: [nic(350)], lost: 0 }, tcp: { counters: [tcp(60, 5)], lost: 0 } });
	const s = buildSample(prev, cur);
	assert.equal(s.interval, 0.5);
	assert.equal(s.time, cur.wall);
	assert.deepEqual(available(s.nic).map((r) => r.tx_bytes), [250]);
	assert.deepEqual(available(s.tcp).records().map((r) => [r.tx_bytes, r.rx_bytes]), [[50, 5]]);
	assert.deepEqual(s.lost, {});
});

test('the filter reaches tcp, rtt and retrans but not nic', () => {
	const other = { cookie: 2, pid: 200, lport: 50000, rport: 22 };
	const cur = raw(1000, {
		nic: { counters: [nic(5)], lost: 0 },
		tcp: { counters: [tcp(10, 0), tcp(7, 0, other)], lost: 0 },
		rtt: { unit: 'usecs', counters: [rtt([100]), rtt([9000], other)], lost: 0 },
		retrans: { events: [retrans(), retrans(other)], lost: 0 },
	});
	const s = buildSample(raw(0), cur, { pids: new Set(), ports: new Set([22]) });
	assert.equal(available(s.nic).length, 1);
	assert.deepEqual(available(s.tcp).records().map((r) => r.pid), [200]);
	assert.deepEqual(available(s.rtt).flows.map((f) => f.pid), [200]);
	assert.equal(available(s.retrans).count, 1);
});

test('an unavailable collector stays unavailable with its reason; the others go on', () => {
	const why = { unavailable: 'kernel has no tracepoint sock_send_length' };
	const s = buildSample(raw(0, { tcp: why }), raw(1000, { tcp: why, nic: { counters: [nic(1)], lost: 0 } }));
	assert.deepEqual(s.tcp, why);
	assert.ok(Array.isArray(s.nic));
});

test('updates lost in the kernel during the interval are reported by collector', () => {
	const s = buildSample(raw(0, { nic: { counters: [], lost: 4 } }), raw(1000, { nic: { counters: [], lost: 10 }, retrans: { events: [], lost: 3 } }));
	assert.deepEqual(s.lost, { nic: 6, retrans: 3 });
});

/** A reading whose tcp snapshot sits in a frame of `pool`. */
function framed(pool: FramePool<null>, mono: number, bytes: number, pid: number): Reading {
	const { frame } = pool.take(1);
	const r = raw(mono, { tcp: { counters: [tcp(bytes, 0, { cookie: 1, pid: 1 }), tcp(bytes * 2, 0, { cookie: 2, pid })], lost: 0 } });
	const snap = { ...available(r.tcp), frame };
	frame.holder = snap;
	return { ...r, tcp: snap };
}

test('paused, the shown interval survives later reads, and a filter typed meanwhile applies to it', () => {
	const pool = new FramePool(() => null);
	const ui = new TestStore();
	ui.read(framed(pool, 0, 0, 2), framed(pool, 1000, 100, 2));
	ui.act({ type: 'pause' });
	for (let i = 2; i < 2 + 2 * FRAMES; i++) ui.read(framed(pool, i * 1000, i * 100, 2));
	let s = ui.act({ type: 'prompt', kind: 'pid' }, { type: 'prompt-type', char: '2' });
	assert.deepEqual(available(s.sample!.tcp).records().map((r) => [r.pid, r.tx_bytes]), [[2, 200]], 'the paused interval, filtered');
	ui.act({ type: 'prompt-done' }, { type: 'pause' });
	s = ui.read(framed(pool, 9000, 900, 2));
	assert.deepEqual(available(s.sample!.tcp).records().map((r) => [r.pid, r.tx_bytes]), [[2, 1600]], 'after the pause: the interval since the paused read');
});

test('a reading whose arrays were reused before the next one came: the pipeline starts over, no wrong delta', () => {
	const pool = new FramePool(() => null);
	const pipeline = new Pipeline(NO_FILTER);
	assert.equal(pipeline.push(framed(pool, 0, 0, 2)), undefined);
	for (let i = 0; i < FRAMES; i++) framed(pool, 1, 1, 2); // reads the pipeline never took
	assert.equal(pipeline.push(framed(pool, 5000, 500, 2)), undefined, 'no interval from a stale read');
	const s = pipeline.push(framed(pool, 6000, 600, 2));
	assert.deepEqual(available(s!.tcp).records().map((r) => r.tx_bytes), [200, 100]);
});

test('refilter makes the shown interval again; before the first interval there is none', () => {
	const pipeline = new Pipeline(NO_FILTER);
	const cur = (mono: number, n: number) => raw(mono, { tcp: { counters: [tcp(n, 0, { cookie: 1, pid: 1 }), tcp(n, 0, { cookie: 2, pid: 2 })], lost: 0 } });
	assert.equal(pipeline.refilter({ pids: new Set([2]), ports: new Set() }), undefined);
	pipeline.push(cur(0, 0));
	assert.deepEqual(available(pipeline.push(cur(1000, 10))!.tcp).records().map((r) => r.pid), [2], 'the filter set before applies');
	assert.deepEqual(available(pipeline.refilter(NO_FILTER)!.tcp).records().map((r) => r.pid).sort(), [1, 2]);
});

test('the filter\'s PIDs that name no process are named in the sample', () => {
	const filter = { ...NO_FILTER, pids: new Set([1, 4_000_000]) };
	const pipeline = new Pipeline(filter, (pid) => pid === 1);
	pipeline.push(raw(0));
	assert.deepEqual(pipeline.push(raw(1000))!.absentPids, [4_000_000]);
	assert.equal(new Pipeline(NO_FILTER, () => false).push(raw(0)), undefined);
	const all = new Pipeline(NO_FILTER, () => false);
	all.push(raw(0));
	assert.equal(all.push(raw(1000))!.absentPids, undefined, 'no PID filter, nothing absent');
	assert.match(plainText(headerLine({ time: 0, intervalMs: 1000, paused: false, filter: { ...NO_FILTER, pids: new Set([4_000_000]) }, lost: {}, absentPids: [4_000_000] })), /filter: pid 4000000 \(no such process\)/);
	assert.match(plainText(headerLine({ time: 0, intervalMs: 1000, paused: false, filter: { ...NO_FILTER, cgroup: 'docker-' }, lost: {} })), /filter: cgroup docker-/, 'a --cgroup filter says which');
});

test('recursion misses count as lost, per feature; cost in CPUs, the programs\' only when the kernel timed them', () => {
	const totals = (misses: number, ns: number, runs: number) => ({ recursionMisses: misses, runTimeNs: ns, runCount: runs });
	const at = (mono: number, cpuUs: number, tcp: ReturnType<typeof totals>): Reading => ({ ...raw(mono), cpuUs, programs: { tcp, nic: totals(0, 0, 0) } });
	const s = buildSample(at(0, 1_000_000, totals(5, 0, 0)), at(2000, 1_200_000, totals(36, 0, 0)));
	assert.deepEqual(s.lost, { tcp: 31 }, '31 runs skipped in the interval');
	assert.deepEqual(s.cost, { cpu: 0.1 }, '0.2 s of CPU in 2 s; programs untimed');
	const timed = buildSample(at(0, 0, totals(0, 1_000_000, 10)), at(1000, 10_000, totals(0, 6_000_000, 110)));
	assert.deepEqual(timed.cost, { cpu: 0.01, bpf: 0.005 });
	assert.deepEqual(timed.lost, {});
});

test('readings spanned as one (a replay\'s -i N): the interval to them holds the shorter ones added up; a feature unavailable meanwhile counts from after; names gone still name', async () => {
	const { spanReadings } = await import('../source/pipeline.js');
	const flow = (cookie: number, tx: number) => tcp(tx, 0, { cookie, lport: 1000 + cookie });
	const r0 = raw(0, { tcp: { counters: [flow(1, 100), flow(2, 10)], lost: 0 } });
	// Flow 2 closes after r1; flow 3 comes and goes between r0 and r2; retransmits unavailable in r1.
	const r1 = { ...raw(1000, { tcp: { counters: [flow(1, 150), flow(2, 30), flow(3, 5)], lost: 0 }, retrans: { unavailable: 'x' } }), netnsNames: new Map([[7, 'gone']]) } as Reading;
	const r2 = { ...raw(2000, { tcp: { counters: [flow(1, 170)], lost: 0 }, retrans: { events: [retrans({ time: 1_700_000_001_500 })], lost: 0 } }), netnsNames: new Map() } as Reading;
	const one = buildSample(r0, spanReadings([r1, r2]));
	const byCookie = (s: typeof one) => {
		const rows = s.tcp as unknown as { flows: { cookie: number }[]; tx: Float64Array };
		return new Map(rows.flows.map((f, i) => [f.cookie, rows.tx[i]]));
	};
	assert.deepEqual(byCookie(one), new Map([[1, 70], [2, 20], [3, 5]]));
	assert.equal(one.interval, 2);
	assert.equal((one.retrans as { count: number }).count, 1, 'the retransmits after it was unavailable');
	assert.equal(one.names.netns.get(7), 'gone');
	assert.equal(spanReadings([r2]), r2, 'one reading is itself');
});
