// The --json line: keys, ISO times, interval in seconds, rows as deltas, the same names in every feature's rows, unavailable reasons.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DropEvent, DropFlow } from '../../source/features/drops/model.js';
import { FEATURE_KEYS, type Reading, type Sample } from '../../source/features/index.js';
import type { LatencyPacket } from '../../source/features/latency/model.js';
import { Piece } from '../../source/format/json-piece.js';
import { jsonPieces } from '../../source/output/json.js';
import { cgroupOf } from '../../source/model/cgroup.js';
import { buildSample } from '../../source/pipeline.js';
import { connsSnap, dropsSnap, latencySnap, nic, raw, retrans, rtt, tcp, type TcpCounter } from '../fixtures/records.js';

/** The whole line the pieces make. */
const jsonLine = (sample: Sample) => Buffer.concat([...jsonPieces(sample)]).toString('utf8');

/** The text Piece.number() writes for n. */
function numberText(n: number): string {
	const piece = new Piece();
	piece.number(n);
	return Buffer.from(piece.take(true)).toString('latin1');
}

const HOST = 4026531840;
const CGROUP = cgroupOf(5, '/system.slice/docker-0123456789abcdef.scope');
/** A reading whose namespace HOST is named "web" and whose cgroup 5 is a container's. */
const named = (r: Reading): Reading => ({ ...r, netnsNames: new Map([[HOST, 'web']]), cgroups: { get: (id) => (id === 5 ? CGROUP : undefined) } });

/** Every object in a parsed line, nested ones included. */
function objects(value: unknown): Record<string, unknown>[] {
	if (Array.isArray(value)) return value.flatMap(objects);
	if (value === null || typeof value !== 'object') return [];
	return [value as Record<string, unknown>, ...Object.values(value).flatMap(objects)];
}

/** A flow's fields as every row writes them: the owner, the namespace and its name, the endpoints. */
const flowOf = (c: { pid: number; comm: string; lport: number }, name: string | null = null) => ({ pid: c.pid, comm: c.comm, netns: HOST, netns_name: name, family: 4, laddr: '10.0.0.1', lport: c.lport, raddr: '10.0.0.2', rport: 443 });

test('one JSON object with time, interval_s and each feature\'s key', () => {
	const cur = raw(500.0004, {
		nic: { counters: [nic(10, { queue: 1 })], lost: 0 },
		tcp: { counters: [tcp(100, 20)], lost: 0 },
		rtt: { unit: 'usecs', counters: [rtt([40, 50, 60])], lost: 0 },
		retrans: { events: [retrans({ time: Date.UTC(2026, 10, 22, 12, 0, 0, 125), segs: 3 })], lost: 0 },
	});
	const line = jsonLine(buildSample(raw(0), cur));
	assert.ok(!line.includes('\n'));
	const j = JSON.parse(line);
	assert.deepEqual(Object.keys(j), ['time', 'interval_s', ...FEATURE_KEYS.flatMap((k) => (k === 'tcp' ? ['tcp', 'udp'] : [k]))]);
	assert.deepEqual(FEATURE_KEYS.slice(0, 4), ['nic', 'tcp', 'rtt', 'retrans'], 'in the registry\'s order');
	assert.equal(j.time, new Date(cur.wall).toISOString());
	assert.equal(j.interval_s, 0.5);
	assert.deepEqual(j.nic, [{ ifname: 'eth0', ifindex: 2, netns: 1, netns_name: null, queue: 1, tx_bytes: 10, tx_packets: 1, rx_bytes: 0, rx_packets: 0 }]);
	assert.deepEqual(j.tcp, [{ ...flowOf({ pid: 100, comm: 'curl', lport: 40000 }), tx_bytes: 100, rx_bytes: 20, cgroup: null, container: null }]);
	assert.deepEqual(j.udp, []);
	assert.deepEqual([j.rtt.count, j.rtt.sum_us, j.rtt.p50_us], [3, 150, j.rtt.flows[0].p50_us]);
	assert.deepEqual(j.rtt.buckets.at(-1), { lo_us: 32, hi_us: 63, count: 3 });
	assert.equal(j.rtt.by_raddr[0].raddr, '10.0.0.2');
	assert.equal(j.rtt.flows[0].rport, 443);
	assert.deepEqual(j.retrans.events, [{ time: '2026-11-22T12:00:00.125Z', ...flowOf({ pid: 100, comm: 'curl', lport: 40000 }), state: 'ESTABLISHED', segs: 3, kind: 'data', cgroup: null, container: null }]);
	assert.deepEqual([j.retrans.count, j.retrans.segs, j.retrans.flows[0].segs], [1, 3, 3]);
});

test('an unavailable collector and lost updates are reported under their keys', () => {
	const line = JSON.parse(jsonLine(buildSample(raw(0), raw(1000, { tcp: { unavailable: 'no BTF' }, nic: { counters: [], lost: 3 } }))));
	assert.deepEqual(line.tcp, { unavailable: 'no BTF' });
	assert.deepEqual(line.lost, { nic: 3 });
});

/** A followed packet on HOST's 10.0.0.1:40000, with `over`. */
const packet = (over: Partial<LatencyPacket>): LatencyPacket => ({
	time: 1_700_000_000_000,
	dir: 'send',
	...flowOf({ pid: 100, comm: 'curl', lport: 40000 }),
	family: 4,
	ifindex: 2,
	ifname: 'eth0',
	queue: 0,
	proto: 'tcp',
	cgroupId: 5,
	len: 1500,
	stages: { stack: 2.5, qdisc: 10, driver: 1, socket: null },
	paced: false,
	segments: 1,
	segmented: false,
	...over,
});

/** A line with a row of each kind in every feature, some owned by curl (in a container), some by nobody. */
function everyRow(unit: 'usecs' | 'msecs' = 'usecs'): Sample {
	const owner = { cgroupId: 5 };
	const nobody = { pid: 0, comm: '', cgroupId: 0 };
	const drop = { ...flowOf({ pid: 0, comm: '', lport: 7002 }), family: 4 as const, cgroupId: 0, reason: 'SOCKET_RCVBUFF' };
	const cur = raw(1000, {
		tcp: { counters: [tcp(100, 20, owner), tcp(5, 0, { ...nobody, cookie: 2, proto: 'udp', lport: 53, raddr: '0.0.0.0', rport: 0 })], lost: 0 },
		rtt: { unit, counters: [rtt([40, 50, 60], owner), rtt([80], { ...nobody, cookie: 2, lport: 40001 })], lost: 0 },
		retrans: { events: [retrans(owner), retrans({ ...nobody, lport: 40001 })], lost: 0 },
		conns: connsSnap({
			events: [
				{ time: 0, type: 'connect', direction: 'connect', ...flowOf({ pid: 100, comm: 'curl', lport: 40000 }), family: 4, cgroupId: 5, state: 'ESTABLISHED', latencyUs: 85 },
				{ time: 0, type: 'reset_out', ...flowOf({ pid: 0, comm: '', lport: 9999 }), family: 4, cgroupId: 0, state: 'CLOSE', noSocket: true },
				{ time: 0, type: 'reset_out', direction: 'accept', ...flowOf({ pid: 100, comm: 'curl', lport: 8080 }), family: 4, cgroupId: 5, state: 'ESTABLISHED' },
			],
		}),
		drops: dropsSnap({
			flows: new Map<number, DropFlow>([[1, { ...drop, state: '', count: 3 }]]),
			events: [{ ...drop, time: 0, location: 'sk_rcvqueues_full', ifname: 'lo', protocol: 'ipv4/udp', state: '', socket: true } satisfies DropEvent],
		}),
		latency: latencySnap({ packets: [packet({}), packet({ ...nobody, proto: '', lport: 0, rport: 0, stages: { stack: null, qdisc: 3, driver: null, socket: null } })] }),
	});
	return buildSample(named(raw(0)), named(cur));
}

test('every row with a namespace names it (netns_name); a row with no owner has pid, comm and cgroup null', () => {
	const j = JSON.parse(jsonLine(everyRow()));
	const rows = objects(j).filter((o) => 'netns' in o);
	const kinds = ['tcp', 'udp', 'rtt.by_raddr', 'rtt.flows', 'retrans.events', 'retrans.flows', 'conns.events', 'drops.flows', 'drops.events', 'latency.stages', 'latency.flows', 'latency.packets'];
	for (const kind of kinds) assert.ok(kind.split('.').reduce((v, k) => v[k], j).length > 0, `${kind} has rows to check`);
	for (const row of rows) assert.equal(row.netns_name, 'web', JSON.stringify(row));
	const owned = objects(j).filter((o) => 'pid' in o);
	assert.ok(owned.some((o) => o.pid === null) && owned.some((o) => o.pid === 100));
	for (const row of owned) {
		if (row.pid === null) assert.deepEqual([row.comm, row.cgroup, row.container], [null, null, null], JSON.stringify(row));
		else assert.deepEqual([row.pid, row.comm, row.cgroup, row.container], [100, 'curl', CGROUP.path, '0123456789ab'], JSON.stringify(row));
	}
});

test('every connection event has a direction, reset_out included: null when nettop did not see the connection open', () => {
	const events = JSON.parse(jsonLine(everyRow())).conns.events;
	assert.deepEqual(events.map((e: { type: string; direction: string | null }) => [e.type, e.direction]), [['connect', 'connect'], ['reset_out', null], ['reset_out', 'accept']]);
});

test('units in field names: every time ends in _us, _ms or _s, sizes in _bytes; one name, protocol, for the protocol', () => {
	const keys = (unit: 'usecs' | 'msecs') => new Set(objects(JSON.parse(jsonLine(everyRow(unit)))).flatMap((o) => Object.keys(o)));
	for (const [unit, suffix] of [['usecs', 'us'], ['msecs', 'ms']] as const) {
		const all = keys(unit);
		const bare = ['interval', 'unit', 'sum', 'avg', 'p50', 'p90', 'p99', 'lo', 'hi', 'len', 'stack', 'qdisc', 'driver', 'proto'].filter((k) => all.has(k));
		assert.deepEqual(bare, [], `no bare time, size or protocol name (--ms: ${unit === 'msecs'})`);
		for (const k of ['interval_s', 'protocol', 'len_bytes', 'stack_us', 'socket_us', 'lo_us', 'p99_us', `p99_${suffix}`, `sum_${suffix}`, `lo_${suffix}`, 'latency_us']) assert.ok(all.has(k), k);
	}
	const rtt = JSON.parse(jsonLine(everyRow('msecs'))).rtt;
	assert.deepEqual([Object.keys(rtt).slice(0, 6), Object.keys(rtt.flows[0]).filter((k) => k.endsWith('_ms'))], [['count', 'sum_ms', 'avg_ms', 'p50_ms', 'p90_ms', 'p99_ms'], ['sum_ms', 'avg_ms', 'p50_ms', 'p90_ms', 'p99_ms']], 'RTT with --ms: in ms, and named so');
	const latency = JSON.parse(jsonLine(everyRow())).latency;
	assert.deepEqual(
		latency.packets.map((p: Record<string, unknown>) => [p.protocol, p.len_bytes, p.stack_us, p.qdisc_us, p.driver_us, p.socket_us]),
		[
			[null, 1500, null, 3, null, null],
			['tcp', 1500, 2.5, 10, 1, null],
		],
		'newest first; a packet neither TCP nor UDP: protocol null',
	);
});

test('a line written in pieces is JSON as JSON.stringify writes it, hundreds of rows included', () => {
	const many = (f: (k: number) => TcpCounter) => Array.from({ length: 700 }, (_, k) => f(k));
	// Process names JSON must escape: quotes, backslashes, control characters; and non-ASCII.
	const comm = (k: number) => ['curl', 'we"ird\\name', 'tab\there\u0007', 'caf\u00e9'][k % 4]!;
	const prev = raw(0, { tcp: { counters: many((k) => tcp(0, 0, { cookie: k + 1, lport: 1000 + k, comm: comm(k) })), lost: 0 }, rtt: { counters: [], lost: 0 } });
	const cur = raw(1000, {
		tcp: { counters: many((k) => tcp(k * 7 + 1, k % 3, { cookie: k + 1, lport: 1000 + k, comm: comm(k) })), lost: 1 },
		rtt: { counters: Array.from({ length: 600 }, (_, k) => rtt(Array.from({ length: (k % 5) + 1 }, (_, v) => 10 * (k + 1) + v * 7), { cookie: k + 1, lport: 1000 + k, comm: comm(k) })), lost: 0 },
	});
	const sample = buildSample(named(prev), named(cur));
	const text = jsonLine(sample);
	const line = JSON.parse(text);
	assert.equal(JSON.stringify(line), text, 'byte for byte what JSON.stringify writes');
	assert.equal(line.tcp.length, 700);
	assert.equal(line.rtt.flows.length, 600);
	const k = 699;
	assert.deepEqual(line.tcp.slice(0, 1), [{ ...flowOf({ pid: 100, comm: comm(k), lport: 1000 + k }, 'web'), tx_bytes: k * 7 + 1, rx_bytes: 0, cgroup: null, container: null }], 'busiest first');
	assert.deepEqual(new Set(line.tcp.map((r: { comm: string }) => r.comm)), new Set(['curl', 'we"ird\\name', 'tab\there\u0007', 'caf\u00e9']));
	assert.ok(line.rtt.flows.some((f: { avg_us: number }) => !Number.isInteger(f.avg_us)), 'fractional averages among the figures');
	assert.equal(jsonLine(sample), text, 'the same again: flows written before');
});

test('numbers are written as JSON.stringify writes them', () => {
	const values = [0, -0, 1, 9, 10, 99, 100, 4026531840, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 60, 1e21, 0.5, 0.1, 15.2, 99.9, 100.1, 123456789.7, 2 ** 49 / 10, 1 / 3, 12.25, 1e-7, -1, -2.5, NaN, Infinity, -Infinity];
	// Tenths as the RTT figures round them, and whole numbers, across their range.
	for (let k = 0; k < 200_000; k += 7) values.push(k, k / 10, Math.round(k * 1.37 * 10) / 10, k * 65_537 + 0.1);
	for (let e = 0; e < 53; e++) values.push(2 ** e + 1, Math.round((2 ** e / 7) * 10) / 10);
	// Around 2^31, where whole numbers and tenths leave 32-bit integer steps.
	for (const n of [2 ** 31 - 2, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1]) values.push(n, n / 10, n + 0.5, (n + 1) / 10);
	const wrong = values.filter((n) => numberText(n) !== JSON.stringify(n));
	assert.deepEqual(wrong.map((n) => [n, numberText(n)]), []);
});

test('lines of flows that keep changing are each written right, also after the writer forgot the flows no line writes any more, and when a namespace gets its name', () => {
	for (let k = 0; k < 6; k++) {
		// 600 connections a line, none of them in any other line.
		const flows = (tx: number) => Array.from({ length: 600 }, (_, i) => tcp(tx + i, 0, { cookie: 10_000 * (k + 1) + i, lport: 2000 + i }));
		const name = k % 2 === 0 ? null : 'web';
		const reading = (r: Reading) => (name ? named(r) : r);
		const sample = buildSample(reading(raw(0, { tcp: { counters: flows(0), lost: 0 } })), reading(raw(1000, { tcp: { counters: flows(1), lost: 0 } })));
		const want = flows(1).map((c) => ({ ...flowOf({ pid: 100, comm: 'curl', lport: c.lport }, name), tx_bytes: 1, rx_bytes: 0, cgroup: null, container: null }));
		assert.deepEqual(JSON.parse(jsonLine(sample)).tcp, want, `line ${k}`);
	}
});

test('a flow written before is written anew once its namespace has a name (ip netns add), and kept while the names stay the same', () => {
	const counters = [tcp(10, 0, { cookie: 77 })];
	const line = (reading: (r: Reading) => Reading) => JSON.parse(jsonLine(buildSample(reading(raw(0)), reading(raw(1000, { tcp: { counters, lost: 0 } }))))).tcp[0].netns_name;
	assert.deepEqual([line((r) => r), line(named), line((r) => ({ ...named(r), netnsNames: new Map([[HOST, 'web']]) })), line((r) => r)], [null, 'web', 'web', null]);
});

test('drops: the flows written row by row, many across pieces, a comm and a cgroup to escape, an owner not known', () => {
	const base = { ...flowOf({ pid: 0, comm: '', lport: 0 }), family: 4 as const, reason: 'QUEUE_PURGE', state: 'CLOSE' };
	const flows = Array.from({ length: 600 }, (_, i): DropFlow => ({ ...base, pid: i === 5 ? 0 : 100 + i, lport: 1000 + i, comm: i === 5 ? '' : i === 3 ? 'a "quoted"\\name' : 'dnsd', cgroupId: i % 2 === 0 ? 5 : 0, count: 600 - i }));
	const sample = buildSample(named(raw(0)), named(raw(1000, { drops: dropsSnap({ flows: new Map(flows.map((f, i) => [i, f])) }) })));
	const text = jsonLine(sample);
	assert.equal(JSON.stringify(JSON.parse(text)), text, 'byte for byte what JSON.stringify writes');
	const want = flows.map((f) => ({
		...flowOf(f, 'web'),
		...(f.pid === 0 ? { pid: null, comm: null } : {}),
		cgroup: f.cgroupId === 5 ? CGROUP.path : null,
		container: f.cgroupId === 5 ? '0123456789ab' : null,
		state: 'CLOSE',
		reason: 'QUEUE_PURGE',
		count: f.count,
	}));
	assert.deepEqual(JSON.parse(text).drops.flows, want);
});
