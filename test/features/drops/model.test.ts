// Drops model and naming: reasons by the kernel's names, protocols, teardown apart, flows filtered, listen queues, the tab (its JSON: test/output/json.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { protocolName } from '../../../source/kernel/protocols.js';
import { dropsView, type DropCount, type DropEvent, type DropFlow } from '../../../source/features/drops/model.js';
import { DropReasons } from '../../../source/features/drops/reasons.js';
import { dropsTab } from '../../../source/features/drops/tab.js';
import { drops } from '../../../source/features/drops/index.js';
import { flowJson, Piece } from '../../../source/format/json-piece.js';
import { isoTime } from '../../../source/format/time.js';
import { cgroupFields, cgroupOf } from '../../../source/model/cgroup.js';
import type { RowNames } from '../../../source/model/reading.js';
import { plainText } from '../../../source/format/lines.js';
import { NO_FILTER } from '../../../source/model/filter.js';
import { dropsSnap } from '../../fixtures/records.js';

test('reasons by the running kernel\'s names: prefix off, subsystems by theirs, unknown numbers as numbers', () => {
	const r = new DropReasons(
		new Map([
			[2, 'SKB_DROP_REASON_NOT_SPECIFIED'],
			[12, 'SKB_DROP_REASON_NETFILTER_DROP'],
		]),
		new Map([
			[0, 'SKB_DROP_REASON_SUBSYS_CORE'],
			[2, 'SKB_DROP_REASON_SUBSYS_OPENVSWITCH'],
		]),
	);
	assert.deepEqual([r.name(2), r.name(12), r.name(77), r.name((2 << 16) | 3), r.name((9 << 16) | 1)], ['NOT_SPECIFIED', 'NETFILTER_DROP', '77', 'OPENVSWITCH:3', 'SUBSYS_9:1']);
});

test('protocols: IPv4 and IPv6 with their transport, other ethertypes by name or number', () => {
	assert.deepEqual([protocolName(0x0800, 17), protocolName(0x86dd, 6), protocolName(0x86dd, 58), protocolName(0x0806, 0), protocolName(0x88cc, 0), protocolName(0, 0), protocolName(0x0800, 99)], ['ipv4/udp', 'ipv6/tcp', 'ipv6/icmpv6', 'arp', '0x88cc', '-', 'ipv4/99']);
});

const count = (over: Partial<DropCount>): DropCount => ({ netns: 7, ifindex: 2, ifname: 'eth0', protocol: 'ipv4/udp', reason: 'NO_SOCKET', count: 0, ...over });
const key = (c: DropCount) => `${c.netns}|${c.ifindex}|${c.protocol}|${c.reason}`;
const FLOW = { cgroupId: 0, netns: 7, family: 4 as const, laddr: '10.0.0.1', lport: 53, raddr: '10.0.0.2', rport: 40000, pid: 42, comm: 'dnsd' };

test('an interval: counts grown per reason and place, teardown apart, flows filtered, listen queues where read at both ends', () => {
	const before = [count({ count: 10 }), count({ reason: 'QUEUE_PURGE', protocol: 'ipv4/tcp', count: 1 })];
	const after = [count({ count: 25 }), count({ reason: 'QUEUE_PURGE', protocol: 'ipv4/tcp', count: 4 }), count({ reason: 'NETFILTER_DROP', count: 2 })];
	const flow = (pid: number, n: number): DropFlow => ({ ...FLOW, pid, reason: 'SOCKET_RCVBUFF', state: 'CLOSE', count: n });
	const prev = dropsSnap({ counts: new Map(before.map((c) => [key(c), c])), flows: new Map([[1, flow(42, 5)]]), listen: new Map([[7, { overflows: 10, drops: 10 }]]) });
	const cur = dropsSnap({
		counts: new Map(after.map((c) => [key(c), c])),
		flows: new Map([[1, flow(42, 9)], [2, flow(43, 1)]]),
		listen: new Map([[7, { overflows: 16, drops: 16 }], [8, { overflows: 3, drops: 3 }]]),
	});
	const v = dropsView(prev, cur, { pids: new Set([42]), ports: new Set() }, new Map([[7, 'web']]));
	assert.deepEqual(v.reasons.map((r) => [r.reason, r.count, r.teardown, r.netns_name]), [['NO_SOCKET', 15, false, 'web'], ['QUEUE_PURGE', 3, true, 'web'], ['NETFILTER_DROP', 2, false, 'web']]);
	assert.deepEqual([v.drops, v.teardown], [17, 3], 'teardown frees apart from drops');
	assert.deepEqual(v.flows.map((f) => [f.pid, f.count]), [[42, 4]], 'flows: the filter applies; counts never do');
	assert.deepEqual(v.listen, [{ netns: 7, netns_name: 'web', listen_overflows: 6, listen_drops: 6 }], 'namespace 8 was not read before: no interval for it yet');
});

test('the tab: drops a second, by reason, the flows a socket had, the events with the function that dropped them', () => {
	const event: DropEvent = { ...FLOW, pid: 0, comm: '', time: 0, reason: 'NO_SOCKET', location: '__udp4_lib_rcv+0x4bc', ifname: 'eth0', protocol: 'ipv4/udp', state: null, socket: false };
	const c = count({ count: 300 });
	const udp: DropFlow = { ...FLOW, reason: 'SOCKET_RCVBUFF', state: null, count: 7 };
	const cur = dropsSnap({ counts: new Map([[key(c), c]]), flows: new Map([[1, udp]]), events: [event], eventsSampled: 5 });
	const lines = dropsTab.lines(dropsView(undefined, cur, NO_FILTER, new Map()), { state: undefined, sort: 'count', seconds: 2, height: 20, width: 80, currentNetns: 1, unicode: false }).map(plainText).join('\n');
	assert.match(lines, /^drops 150\/s {2}\(300 this interval\)/);
	assert.match(lines, /5 events not listed \(5 sampled out\); counted above/);
	assert.match(lines, /NO_SOCKET +7 +eth0 +ipv4\/udp +300 +150/);
	assert.match(lines, /42 +dnsd +10\.0\.0\.1:53 +10\.0\.0\.2:40000 +SOCKET_RCVBUFF +- +7/, 'a UDP socket\'s flow: no TCP state');
	assert.match(lines, /NO_SOCKET +__udp4_lib_rcv\+0x4bc +ipv4\/udp +10\.0\.0\.2:40000 +10\.0\.0\.1:53/);
});

test('the listen-queue note fits the width whole: broken between words at 80 and 60 columns, never cut', () => {
	const v = dropsView(dropsSnap({ listen: new Map([[7, { overflows: 10, drops: 10 }]]) }), dropsSnap({ listen: new Map([[7, { overflows: 26, drops: 26 }]]) }), NO_FILTER, new Map());
	for (const width of [80, 60]) {
		const lines = dropsTab.lines(v, { state: undefined, sort: 'count', seconds: 1, height: 20, width, currentNetns: 7, unicode: false }).map(plainText);
		assert.deepEqual(lines.filter((l) => l.length > width), [], `${width} columns`);
		assert.ok(lines.join(' ').includes("listen queues: 16 overflows, 16 drops (the kernel's counters: it frees these SYNs without a drop reason)"), lines.join('\n'));
	}
});

test('JSON: the events written row by row, many across pieces, are byte for byte JSON.stringify of their objects: names to escape, no socket, no owner, a cgroup', () => {
	const events = Array.from({ length: 600 }, (_, k): DropEvent => ({
		...FLOW,
		time: 1_764_640_923_007 + k * 3.3,
		pid: k % 5 === 0 ? 0 : 100 + k,
		comm: k % 5 === 0 ? '' : k % 3 === 0 ? 'a "quoted"\\name' : 'dnsd',
		cgroupId: k % 4 === 0 ? 5 : 0,
		netns: k % 2 === 0 ? 7 : 8,
		lport: 1000 + k,
		reason: k % 2 === 0 ? 'NO_SOCKET' : 'SOCKET_RCVBUFF',
		location: `__udp4_lib_rcv+0x${k.toString(16)}`,
		ifname: k % 7 === 0 ? '' : 'eth"0\u0001',
		protocol: 'ipv4/udp',
		state: k % 3 === 0 ? null : 'ESTABLISHED',
		socket: k % 3 !== 0,
	}));
	const cgroup = cgroupOf(5, '/system.slice/docker-0123456789abcdef.scope');
	const names: RowNames = { netns: new Map([[7, 'web\\a']]), cgroups: { get: (id) => (id === 5 ? cgroup : undefined) } };
	const out = new Piece();
	const pieces = [...drops.json(dropsView(undefined, dropsSnap({ events }), NO_FILTER, names.netns), out, names)];
	assert.ok(pieces.length >= 2, 'written across pieces');
	const text = Buffer.concat([...pieces, out.take(true)]).toString('utf8');
	const objects = events.map((e) => ({ time: isoTime(e.time), reason: e.reason, location: e.location, ifname: e.ifname, protocol: e.protocol, ...flowJson(e, names.netns), ...cgroupFields(names.cgroups, e.cgroupId), state: e.state, socket: e.socket }));
	assert.equal(text, JSON.stringify({ drops: 0, teardown: 0, reasons: [], flows: [], listen: [], events_sampled: 0, events_lost: 0, events: objects }));
});
