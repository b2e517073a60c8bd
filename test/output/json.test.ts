// The --json line: keys, ISO times, interval in seconds, rows as deltas, unavailable reasons.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEATURE_KEYS, type Sample } from '../../source/features/index.js';
import { latencyJson } from '../../source/features/latency/model.js';
import { Piece } from '../../source/format/json-piece.js';
import { jsonPieces } from '../../source/output/json.js';
import { isUnavailable } from '../../source/model/reading.js';
import { buildSample } from '../../source/pipeline.js';
import { nic, raw, retrans, rtt, tcp, type TcpCounter } from '../fixtures/records.js';

/** The whole line the pieces make. */
const jsonLine = (sample: Sample) => Buffer.concat([...jsonPieces(sample)]).toString('utf8');

/** The tcp view as the line writes it: its TCP rows under tcp, its UDP rows under udp. */
function protocols(view: Sample['tcp']): { tcp: unknown; udp: unknown } {
	return isUnavailable(view) ? { tcp: view, udp: view } : { tcp: view.only('tcp'), udp: view.only('udp') };
}

/** The text Piece.number() writes for n. */
function numberText(n: number): string {
	const piece = new Piece();
	piece.number(n);
	return Buffer.from(piece.take(true)).toString('latin1');
}

test('one JSON object with time, interval and each feature\'s key', () => {
	const cur = raw(500.0004, {
		nic: { counters: [nic(10, { queue: 1 })], lost: 0 },
		tcp: { counters: [tcp(100, 20)], lost: 0 },
		rtt: { unit: 'usecs', counters: [rtt([40, 50, 60])], lost: 0 },
		retrans: { events: [retrans({ time: Date.UTC(2026, 10, 22, 12, 0, 0, 125), segs: 3 })], lost: 0 },
	});
	const line = jsonLine(buildSample(raw(0), cur));
	assert.ok(!line.includes('\n'));
	const j = JSON.parse(line);
	assert.deepEqual(Object.keys(j), ['time', 'interval', ...FEATURE_KEYS.flatMap((k) => (k === 'tcp' ? ['tcp', 'udp'] : [k]))]);
	assert.deepEqual(FEATURE_KEYS.slice(0, 4), ['nic', 'tcp', 'rtt', 'retrans'], 'in the registry\'s order');
	assert.equal(j.time, new Date(cur.wall).toISOString());
	assert.equal(j.interval, 0.5);
	assert.deepEqual(j.nic, [{ ifname: 'eth0', ifindex: 2, netns: 1, netns_name: null, queue: 1, tx_bytes: 10, tx_packets: 1, rx_bytes: 0, rx_packets: 0 }]);
	assert.deepEqual(j.tcp, [{ pid: 100, comm: 'curl', netns: 4026531840, family: 4, laddr: '10.0.0.1', lport: 40000, raddr: '10.0.0.2', rport: 443, tx_bytes: 100, rx_bytes: 20, cgroup: null, container: null }]);
	assert.deepEqual(j.udp, []);
	assert.equal(j.rtt.unit, 'usecs');
	assert.equal(j.rtt.count, 3);
	assert.equal(j.rtt.sum, 150);
	assert.deepEqual(j.rtt.buckets.at(-1), { lo: 32, hi: 63, count: 3 });
	assert.equal(j.rtt.by_raddr[0].raddr, '10.0.0.2');
	assert.equal(j.rtt.flows[0].rport, 443);
	assert.deepEqual(j.retrans.events, [
		{ time: '2026-11-22T12:00:00.125Z', netns: 4026531840, family: 4, laddr: '10.0.0.1', lport: 40000, raddr: '10.0.0.2', rport: 443, pid: 100, comm: 'curl', state: 'ESTABLISHED', segs: 3, kind: 'data', cgroup: null, container: null },
	]);
	assert.deepEqual([j.retrans.count, j.retrans.segs, j.retrans.flows[0].segs], [1, 3, 3]);
});

test('an unavailable collector and lost updates are reported under their keys', () => {
	const line = JSON.parse(jsonLine(buildSample(raw(0), raw(1000, { tcp: { unavailable: 'no BTF' }, nic: { counters: [], lost: 3 } }))));
	assert.deepEqual(line.tcp, { unavailable: 'no BTF' });
	assert.deepEqual(line.lost, { nic: 3 });
});

/** The latency key as the feature writes it: its view's own JSON shape. */
const latencyOf = (sample: Sample) => (isUnavailable(sample.latency) ? sample.latency : latencyJson(sample.latency));

test('a line written in pieces is the JSON of the whole sample, hundreds of rows included', () => {
	const many = (f: (k: number) => TcpCounter) => Array.from({ length: 700 }, (_, k) => f(k));
	// Process names JSON must escape: quotes, backslashes, control characters; and non-ASCII.
	const comm = (k: number) => ['curl', 'we"ird\\name', 'tab\there\u0007', 'caf\u00e9'][k % 4]!;
	const prev = raw(0, { tcp: { counters: many((k) => tcp(0, 0, { cookie: k + 1, lport: 1000 + k, comm: comm(k) })), lost: 0 }, rtt: { counters: [], lost: 0 } });
	const cur = raw(1000, {
		tcp: { counters: many((k) => tcp(k * 7 + 1, k % 3, { cookie: k + 1, lport: 1000 + k, comm: comm(k) })), lost: 1 },
		rtt: { counters: Array.from({ length: 600 }, (_, k) => rtt(Array.from({ length: (k % 5) + 1 }, (_, v) => 10 * (k + 1) + v * 7), { cookie: k + 1, lport: 1000 + k, comm: comm(k) })), lost: 0 },
	});
	const sample = buildSample(prev, cur);
	const whole = JSON.stringify({
		time: new Date(sample.time).toISOString(),
		interval: 1,
		nic: sample.nic,
		...protocols(sample.tcp),
		rtt: sample.rtt,
		retrans: sample.retrans,
		conns: sample.conns,
		drops: sample.drops,
		latency: latencyOf(sample),
		lost: sample.lost,
	});
	assert.equal(jsonLine(sample), whole);
	const line = JSON.parse(jsonLine(sample));
	assert.equal(line.tcp.length, 700);
	assert.equal(line.rtt.flows.length, 600);
	assert.deepEqual(line.tcp.slice(0, 2).map((r: { tx_bytes: number }) => r.tx_bytes), [699 * 7 + 1, 698 * 7 + 1], 'busiest first');
	assert.deepEqual(new Set(line.tcp.map((r: { comm: string }) => r.comm)), new Set(['curl', 'we"ird\\name', 'tab\there\u0007', 'caf\u00e9']));
	assert.ok(line.rtt.flows.some((f: { avg: number }) => !Number.isInteger(f.avg)), 'fractional averages among the figures');
	assert.equal(jsonLine(sample), whole, 'the same again: flows written before');
});

test('numbers are written as JSON.stringify writes them', () => {
	const values = [0, -0, 1, 9, 10, 99, 100, 4026531840, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 60, 1e21, 0.5, 0.1, 15.2, 99.9, 100.1, 123456789.7, 2 ** 49 / 10, 1 / 3, 12.25, 1e-7, -1, -2.5, NaN, Infinity, -Infinity];
	// Tenths as the RTT figures round them, and whole numbers, across their range.
	for (let k = 0; k < 200_000; k += 7) values.push(k, k / 10, Math.round(k * 1.37 * 10) / 10, k * 65_537 + 0.1);
	for (let e = 0; e < 53; e++) values.push(2 ** e + 1, Math.round((2 ** e / 7) * 10) / 10);
	const wrong = values.filter((n) => numberText(n) !== JSON.stringify(n));
	assert.deepEqual(wrong.map((n) => [n, numberText(n)]), []);
});

test('lines of flows that keep changing are each written right, also after the writer forgot the flows no line writes any more', () => {
	for (let k = 0; k < 6; k++) {
		// 600 connections a line, none of them in any other line.
		const flows = (tx: number) => Array.from({ length: 600 }, (_, i) => tcp(tx + i, 0, { cookie: 10_000 * (k + 1) + i, lport: 2000 + i }));
		const sample = buildSample(raw(0, { tcp: { counters: flows(0), lost: 0 } }), raw(1000, { tcp: { counters: flows(1), lost: 0 } }));
		const whole = JSON.stringify({ time: new Date(sample.time).toISOString(), interval: 1, nic: sample.nic, ...protocols(sample.tcp), rtt: sample.rtt, retrans: sample.retrans, conns: sample.conns, drops: sample.drops, latency: latencyOf(sample) });
		assert.equal(jsonLine(sample), whole, `line ${k}`);
	}
});
