// The Latency tab at 80 columns: the sampling said, a row per stage and interface, flows, the packets newest first; off and loading said in words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latencyView, type LatencyPacket } from '../../../source/features/latency/model.js';
import { latencyTab, usText } from '../../../source/features/latency/tab.js';
import { latency } from '../../../source/features/latency/index.js';
import { plainText } from '../../../source/format/lines.js';
import { NO_CGROUPS } from '../../../source/model/cgroup.js';
import { NO_FILTER } from '../../../source/model/filter.js';
import { latencySnap } from '../../fixtures/records.js';

const none = { stack: null, qdisc: null, driver: null, socket: null };
const send: LatencyPacket = { time: 1_700_000_000_000, dir: 'send', pid: 10, comm: 'iperf3', netns: 1, family: 4, laddr: '198.18.0.1', lport: 40000, raddr: '198.18.0.2', rport: 5201, ifindex: 2, ifname: 'nt0', queue: 1, proto: 'tcp', cgroupId: 0, len: 1500, stages: { ...none, stack: 4.25, qdisc: 31_250.4, driver: 2 }, paced: false, segments: 1, segmented: false };
const recv: LatencyPacket = { ...send, dir: 'receive', pid: 20, comm: 'reader', ifname: 'nt1', ifindex: 3, stages: { ...none, socket: 44_912 } };
const props = { state: latencyTab.initial, sort: 'p99', seconds: 1, height: 22, width: 80, currentNetns: 1, unicode: false };
const view = latencyView(undefined, latencySnap({ packets: [send, recv], counts: { sampled: [1, 1], unmatched: [0, 2] } }), NO_FILTER, new Map(), NO_CGROUPS);

test('microseconds: a decimal below 10, none for a stage not passed', () => {
	assert.deepEqual([usText(0.44), usText(9.96), usText(31_250.4), usText(null)], ['0.4', '10.0', '31250', '-']);
});

test('at 80 columns: the sampling and what was lost, stages with figures, flows, packets with every stage', () => {
	const lines = latencyTab.lines(view, props).map(plainText);
	for (const l of lines) assert.ok(l.length <= 80, `${l.length}: ${l}`);
	assert.equal(lines[0]!, 'latency: 1 in 64  sampled 2; ended 4 = 2 timed + 2 unmatched rx', 'the keys only where usual counts leave room for them (the footer has them)');
	assert.equal(plainText(latencyTab.lines(view, { ...props, plain: true })[0]!), 'latency: 1 in 64  sampled 2; ended 4 = 2 timed + 2 unmatched rx', 'the plain table has no keys');
	assert.match(lines[1]!, /^STAGE +NETNS +IFACE +COUNT +AVG us +P50 +P90 +P99$/);
	assert.ok(lines.some((l) => /^qdisc +nt0 +1 +31250 +31250 +31250 +31250$/.test(l)), lines.join('\n'));
	assert.ok(lines.some((l) => /^socket +nt1 +1 +44912/.test(l)));
	assert.ok(lines.some((l) => /^ +20 reader +198\.18\.0\.1:40000 +198\.18\.0\.2:5201 +socket +1 +44912 +44912$/.test(l)), 'the flow that waited longest first, with its reader');
	const packets = lines.slice(lines.findIndex((l) => /STACK +QDISC +DRIVER +SOCKET$/.test(l)) + 1);
	assert.match(packets[0]!, /^rx nt1 +198\.18\.0\.1:40000 +198\.18\.0\.2:5201 +- +- +- +44912$/, 'the time goes before an address');
	assert.match(packets[1]!, /^tx nt0 .* 4\.3 +31250 +2\.0 +-$/);
	const wide = latencyTab.lines(view, { ...props, width: 100 }).map(plainText);
	assert.ok(wide.some((l) => /^\d\d:\d\d:\d\d rx nt1 /.test(l)), 'wider: the time too');
});

test('off, loading, and a kernel that cannot: said in words; the summary has no part while off', () => {
	const off = latencyView(undefined, latencySnap({ state: 'off' }), NO_FILTER, new Map(), NO_CGROUPS);
	assert.equal(plainText(latencyTab.lines(off, props)[0]!), 'latency: off');
	const starting = latencyView(undefined, latencySnap({ state: 'starting' }), NO_FILTER, new Map(), NO_CGROUPS);
	assert.equal(plainText(latencyTab.lines(starting, props)[0]!), 'latency: loading its programs...');
	assert.match(latencyTab.lines({ unavailable: 'no way to hook x' }, props).map(plainText).join('\n'), /Latency is unavailable on this system:\nno way to hook x/);
	assert.equal(latency.summary(off, 1), undefined);
	assert.deepEqual(latency.summary(view, 1), { label: 'LAT', text: 'socket p99 44912us', short: '44912us' });
});

test('+ follows more packets, - fewer, from the N an interval showed: the tab state the collector reads', () => {
	const [more, fewer] = latencyTab.keys;
	assert.deepEqual([more!.key, fewer!.key], ['+', '-']);
	assert.equal(more!.apply(latencyTab.initial), latencyTab.initial, 'no interval yet: nothing to halve');
	const shown = latencyTab.next!(latencyTab.initial, view, 1);
	assert.deepEqual(shown, { every: 64 }, 'the N in force');
	assert.equal(latencyTab.next!(shown, latencyView(undefined, latencySnap({ every: 8 }), NO_FILTER, new Map(), NO_CGROUPS), 1), shown, 'kept once known: the collector follows the tab');
	assert.deepEqual(more!.apply(more!.apply(shown)), { every: 16 });
	assert.deepEqual(fewer!.apply(shown), { every: 128 });
	assert.deepEqual(more!.apply({ every: 1 }), { every: 1 }, 'never below 1 (and - from there doubles at once)');
	assert.deepEqual(fewer!.apply({ every: 1 << 20 }), { every: 1 << 20 });
	assert.equal(latencyTab.next!(latencyTab.initial, latencyView(undefined, latencySnap({ state: 'off' }), NO_FILTER, new Map(), NO_CGROUPS), 1), latencyTab.initial, 'off: none in force');
});

test('a device on several queues: a row per queue under its own', () => {
	const on = (queue: number, qdisc: number): LatencyPacket => ({ ...send, queue, stages: { ...none, qdisc, driver: 1 } });
	const v = latencyView(undefined, latencySnap({ packets: [on(0, 10), on(3, 2000)] }), NO_FILTER, new Map(), NO_CGROUPS);
	const lines = latencyTab.lines(v, props).map(plainText);
	const at = lines.findIndex((l) => /^qdisc +nt0 +2 /.test(l));
	assert.ok(at > 0, lines.join('\n'));
	assert.match(lines[at + 1]!, /^qdisc +nt0 q0 +1 +10 /);
	assert.match(lines[at + 2]!, /^qdisc +nt0 q3 +1 +2000 /);
});

/** Seven stage rows: stack, qdisc and driver on nt0 and nt1, socket on nt2; nt1's qdisc waits longest, nt0 has the most packets. */
function sevenStages() {
	const packets: LatencyPacket[] = [];
	for (let k = 0; k < 40; k++) {
		const dev = k % 4 === 1 ? 1 : 0;
		packets.push({ ...send, time: send.time + k, ifindex: 2 + dev, ifname: `nt${dev}`, stages: { ...none, stack: 3 + (k % 5), qdisc: dev ? 30_000 + k : 20 + k, driver: 2 } });
		if (k % 4 === 0) packets.push({ ...recv, time: send.time + k, ifindex: 4, ifname: 'nt2', stages: { ...none, socket: 500 + k } });
	}
	return latencyView(undefined, latencySnap({ packets, counts: { sampled: [44, 0], unmatched: [13, 0] } }), NO_FILTER, new Map(), NO_CGROUPS);
}
const stagesOf = (lines: string[]) => lines.slice(2, lines.findIndex((l) => /^ +PID COMM/.test(l))).filter((l) => !l.startsWith('...'));

test('the stage table sorts as the tab says: by p99 first, then by count', () => {
	const v = sevenStages();
	const byP99 = stagesOf(latencyTab.lines(v, { ...props, height: 19 }).map(plainText));
	assert.deepEqual(byP99.map((l) => l.split(/ +/).slice(0, 2).join(' ')), ['qdisc nt1', 'socket nt2', 'qdisc nt0', 'stack nt0', 'stack nt1', 'driver nt0', 'driver nt1']);
	const byCount = stagesOf(latencyTab.lines(v, { ...props, height: 19, sort: 'count' }).map(plainText));
	assert.deepEqual(byCount.map((l) => l.split(/ +/).slice(0, 3).join(' ')), ['stack nt0 30', 'qdisc nt0 30', 'driver nt0 30', 'stack nt1 10', 'qdisc nt1 10', 'driver nt1 10', 'socket nt2 10'], 'most packets first (ties in stage order)');
});

test('80x24: all seven stages show, flows and packets below; 60x18: the stage the summary quotes shows in any sort', () => {
	const v = sevenStages();
	const at80 = latencyTab.lines(v, { ...props, height: 19 }).map(plainText);
	assert.equal(stagesOf(at80).length, 7, at80.join('\n'));
	assert.ok(!at80.some((l) => /more stages/.test(l)));
	assert.ok(at80.length <= 19);
	assert.ok(at80.some((l) => /^tx nt1 /.test(l)), 'packets still show');
	const quoted = latency.summary(v, 1)!.text;
	assert.equal(quoted, 'qdisc p99 30037us');
	for (const sort of latencyTab.sorts) {
		// 60x18: a body of 12 lines (the summary takes two).
		const at60 = latencyTab.lines(v, { ...props, width: 60, height: 12, sort }).map(plainText);
		assert.ok(at60.length <= 12);
		assert.ok(stagesOf(at60).some((l) => /^qdisc +nt1 .* 30037$/.test(l)), `${sort}:\n${at60.join('\n')}`);
	}
});

test('the header adds up: packets sampled this interval, and those whose following ended: timed + unmatched, per direction; it fits 80 and 60 columns', () => {
	const v = sevenStages();
	const header = (width: number) => plainText(latencyTab.lines(v, { ...props, width, height: 19 })[0]!);
	assert.equal(header(100), 'latency: 1 in 64 (+/- to change)  sampled 44; ended 63 = 50 timed + 13 unmatched tx');
	assert.equal(header(80), 'latency: 1 in 64  sampled 44; ended 63 = 50 timed + 13 unmatched tx', 'the keys go first (the footer has them)');
	assert.equal(header(60), '1/64: sampled 44; ended 63 = 50 timed + 13 unmatched tx');
	const both = latencyView(undefined, latencySnap({ packets: [send], counts: { sampled: [3, 2], unmatched: [4, 1] } }), NO_FILTER, new Map(), NO_CGROUPS);
	assert.match(plainText(latencyTab.lines(both, props)[0]!), /sampled 5; ended 6 = 1 timed \+ 5 unmatched \(4 tx, 1 rx\)$/);
});

test('the header\'s form follows the width, not N nor the counts: as many lines, the keys said or not alike; wider than usual wraps, never cut', () => {
	const at = (every: number, sampled: number, unmatched: number) => latencyView(undefined, latencySnap({ every, packets: [send], counts: { sampled: [sampled, 0], unmatched: [unmatched, 0] } }), NO_FILTER, new Map(), NO_CGROUPS);
	const views = [at(32, 2, 0), at(64, 44, 13), at(128, 123, 122), at(1024, 9, 100)];
	for (let width = 40; width <= 120; width++) {
		const headers = views.map((v) => latencyTab.lines(v, { ...props, width }).map(plainText).slice(0, 3).filter((l) => !/^(STAGE|segmented)/.test(l)));
		const forms = headers.map((h) => [h.length, h[0]!.includes('(+/- to change)'), h[0]!.startsWith('latency:')].join());
		assert.equal(new Set(forms).size, 1, `${width} columns:\n${headers.map((h) => h.join(' | ')).join('\n')}`);
		for (const h of headers) for (const l of h) assert.ok(l.length <= width, `${width}: ${l}`);
	}
	const huge = latencyTab.lines(at(1 << 20, 123_456, 654_321), { ...props, width: 60 }).map(plainText);
	assert.equal(`${huge[0]} ${huge[1]}`, 'latency: 1 in 1048576  sampled 123456 ended 654322 = 1 timed + 654321 unmatched tx');
});

test('packets cut into segments: a line under the header per interface, those not followed said; none without', () => {
	const cut: LatencyPacket = { ...send, segmented: true, segments: 6 };
	const v = latencyView(undefined, latencySnap({ packets: [cut, cut], unfollowed: [{ ...cut, proto: 'udp' }, { ...cut, netns: 9, ifname: 'nt1' }] }), NO_FILTER, new Map([[9, 'b']]), NO_CGROUPS);
	const lines = latencyTab.lines(v, props).map(plainText);
	assert.equal(lines[1], 'segmented (timed to their first segment): nt0 2 packets, 1 not followed; b/nt1 0 packets, 1 not followed');
	assert.match(lines[2]!, /^STAGE /);
	assert.ok(!latencyTab.lines(view, props).map(plainText).some((l) => l.startsWith('segmented')), 'none seen yet: no line');
});

test('once packets were seen cut, their line holds its place, saying none: the stages do not move from one interval to the next', () => {
	const cut: LatencyPacket = { ...send, segmented: true, segments: 6 };
	const withCut = latencyView(undefined, latencySnap({ packets: [cut] }), NO_FILTER, new Map(), NO_CGROUPS);
	let state = latencyTab.next!(latencyTab.initial, view, 1);
	assert.equal(state.segmented, undefined, 'nothing cut yet');
	state = latencyTab.next!(state, withCut, 1);
	assert.equal(latencyTab.next!(state, view, 1), state, 'kept once seen');
	const stageAt = (v: typeof view) => latencyTab.lines(v, { ...props, state }).map(plainText).findIndex((l) => l.startsWith('STAGE'));
	assert.equal(stageAt(view), stageAt(withCut));
	assert.equal(plainText(latencyTab.lines(view, { ...props, state })[1]!), 'segmented (timed to their first segment): none this interval');
	assert.deepEqual(latencyTab.keys.map((k) => k.apply(state).segmented), [true, true], '+ and - keep it');
});
