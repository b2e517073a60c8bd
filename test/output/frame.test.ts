// The lines above every tab: a summary whose layout follows the width alone, figures whole with their units, every filter and mode in the header.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_FEATURES, entry, type Sample } from '../../source/features/index.js';
import type { LatencyPacket } from '../../source/features/latency/model.js';
import { clip, plainText } from '../../source/format/lines.js';
import { NO_FILTER } from '../../source/model/filter.js';
import { isUnavailable } from '../../source/model/reading.js';
import { headerLines, headerModes, summaryLines } from '../../source/output/frame.js';
import { PlainTable } from '../../source/output/text.js';
import { buildSample } from '../../source/pipeline.js';
import { connsSnap, dropsSnap, latencySnap, nic, raw, retrans, rtt, tcp } from '../fixtures/records.js';

const HERE = 4026531840;
const WIDTHS = [200, 160, 120, 100, 80, 70, 60, 50, 40];

const PACKET: LatencyPacket = { time: 0, dir: 'send', pid: 10, comm: 'iperf3', netns: 1, family: 4, laddr: '198.18.0.1', lport: 40000, raddr: '198.18.0.2', rport: 5201, ifindex: 2, ifname: 'nt0', queue: 1, proto: 'tcp', cgroupId: 0, len: 1500, stages: { stack: 4.25, qdisc: 31_250.4, driver: 2, socket: null }, paced: false, segments: 1, segmented: false };

/** A second in which nothing moved, with Latency off or on. */
function quiet(latency: boolean): Sample {
	const lat = latencySnap({ state: latency ? 'on' : 'off' });
	return buildSample(raw(0, { latency: lat }), raw(1000, { latency: lat }));
}

/** A busy second: every figure near the widest it usually gets. */
function busy(latency: boolean): Sample {
	const flows = [tcp(0, 0, { cookie: 1 }), tcp(0, 0, { cookie: 2, proto: 'udp' })];
	const first = raw(0, { nic: { counters: [nic(0, { netns: HERE })], lost: 0 }, tcp: { counters: flows, lost: 0 } });
	const second = raw(1000, {
		nic: { counters: [nic(90_000_000, { netns: HERE, rx_bytes: 88_000_000 })], lost: 0 },
		tcp: { counters: [tcp(3_000_000, 1000, { cookie: 1 }), tcp(7, 0, { cookie: 2, proto: 'udp' })], lost: 0 },
		rtt: { unit: 'usecs', counters: [rtt([40, 50, 60, 70, 100, 30_000])], lost: 0 },
		retrans: { events: Array.from({ length: 12 }, () => retrans()), lost: 0 },
		conns: connsSnap({ counts: new Map([[HERE, { active_opens: 1000, passive_opens: 234, attempt_fails: 12, estab_resets: 0, out_rsts: 1000, in_rsts: 234 }]]) }),
		drops: dropsSnap({ counts: new Map([['d', { netns: HERE, ifindex: 2, ifname: 'eth0', protocol: 'ipv4/udp', reason: 'NO_SOCKET', count: 1234 }]]) }),
		latency: latencySnap({ state: latency ? 'on' : 'off', packets: [PACKET], counts: { sampled: [1, 0], unmatched: [0, 0] } }),
	});
	return buildSample(first, second);
}

const texts = (lines: readonly (readonly { text: string }[])[]) => lines.map((l) => plainText(l));

test('the summary\'s layout follows the width, not the figures: quiet or busy, as many lines at each width, none wider', () => {
	for (const latency of [false, true]) {
		for (const width of WIDTHS) {
			const [q, b] = [summaryLines(quiet(latency), width), summaryLines(busy(latency), width)];
			assert.equal(q.length, b.length, `${width} columns, Latency ${latency ? 'on' : 'off'}: quiet\n${texts(q).join('\n')}\nbusy\n${texts(b).join('\n')}`);
			for (const l of texts(b)) assert.ok(l.length <= width, `${width}: ${l}`);
		}
	}
});

test('at 80 columns the summary keeps its legend and RTT its p50/p99 labels', () => {
	assert.deepEqual(texts(summaryLines(busy(false), 80)), ['B/s tx rx  NIC 85.8M 83.9M  TCP+UDP 2.9M 1.0K  RTT p50 64 p99 31785us', 'RTX 12.0seg/s  CONN 1234 12f 1234r/s  DROP 1234/s']);
	assert.deepEqual(texts(summaryLines(busy(true), 80))[1], 'RTX 12.0seg/s  CONN 1234 12f 1234r/s  DROP 1234/s  LAT qdisc p99 31250us');
});

test('a narrow screen never cuts a figure nor its unit: each is whole, in its long or short form', () => {
	for (const latency of [false, true]) {
		const sample = busy(latency);
		const parts = ALL_FEATURES.flatMap((f) => {
			const view = entry(sample, f.key);
			return f.summary(isUnavailable(view) ? undefined : view, sample.interval) ?? [];
		});
		for (const width of WIDTHS) {
			const shown = texts(summaryLines(sample, width).map((l) => clip(l, width))).join('\n'); // as the screen shows it
			for (const p of parts) assert.ok(shown.includes(`${p.label} ${p.text}`) || shown.includes(`${p.label} ${p.short}`), `${width} columns: ${p.label} whole\n${shown}`);
			assert.match(shown, /RTT (p50 64 p99 31785|64\/31785)us/, `${width} columns: RTT with its unit`);
		}
	}
});

test('every figure keeps its unit at every width: the byte rates "B/s" at least, retransmits seg/s, connections /s', () => {
	for (const latency of [false, true]) {
		for (const width of WIDTHS) {
			const shown = texts(summaryLines(busy(latency), width));
			const all = shown.join('  ');
			assert.match(shown[0]!, /^B\/s( tx rx)? +NIC /, `${width} columns: a legend before the byte rates\n${shown.join('\n')}`);
			assert.match(all, /RTX 12\.0seg\/s/, `${width} columns`);
			assert.match(all, /CONN 1234 12f 1234r\/s/, `${width} columns`);
		}
	}
	assert.deepEqual(texts(summaryLines(busy(false), 40)), ['B/s NIC 85.8M 83.9M TCP+UDP 2.9M 1.0K', 'RTT p50 64 p99 31785us RTX 12.0seg/s', 'CONN 1234 12f 1234r/s DROP 1234/s']);
});

test('the header shows every filter and mode in force; a narrow screen breaks it between pieces, never cutting one', () => {
	const filter = { pids: new Set([4242, 4343]), ports: new Set([443]), family: 6 as const, noLoopback: true, cgroup: 'docker-' };
	const props = { time: 0, intervalMs: 1000, paused: true, filter, lost: { conns: 3 }, modes: headerModes({ direction: 'connect' }) };
	const wide = texts(headerLines(props, 200));
	assert.equal(wide.length, 1);
	assert.match(wide[0]!, /^nettop {2}\d\d:\d\d:\d\d {2}every 1s {2}PAUSED {2}filter: pid 4242,4343 {2}port 443 {2}IPv6 {2}no loopback {2}cgroup docker- {2}-r connect {2}LOST conns 3$/);
	for (const width of [80, 60, 40]) {
		const lines = texts(headerLines(props, width));
		assert.ok(lines.length > 1 && lines.every((l) => l.length <= width), `${width}: ${lines.join('\n')}`);
		assert.match(lines[0]!, /^\d\d:\d\d:\d\d 1s LOST conns 3/, `${width}: LOST first`);
		for (const piece of ['PAUSED', 'filter: pid 4242,4343', 'port 443', 'IPv6', 'no loopback', 'cgroup docker-', '-r connect']) assert.ok(lines.some((l) => l.includes(piece)), `${width}: ${piece}\n${lines.join('\n')}`);
	}
});

test('-r is a mode the header names; no flag, no mode', () => {
	assert.deepEqual(headerModes({ direction: 'connect' }), ['-r connect']);
	assert.deepEqual(headerModes({ direction: 'accept', connEvents: 100, ms: true }), ['-r accept']);
	assert.deepEqual(headerModes({}), []);
	const table = new PlainTable({ intervalMs: 1000, filter: NO_FILTER, currentNetns: HERE, modes: ['-r accept'] });
	assert.match(table.lines(quiet(false))[0]!, /every 1s {2}-r accept$/, 'the plain table\'s header too');
});
