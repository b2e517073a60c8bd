// The latency model: exact percentiles of the sampled times, log2 slots, rows per stage and interface and per flow, the filter, the JSON shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latency } from '../../../source/features/latency/index.js';
import { figures, latencyView, slotsOf, type LatencyPacket } from '../../../source/features/latency/model.js';
import { Piece } from '../../../source/format/json-piece.js';
import { cgroupOf, NO_CGROUPS } from '../../../source/model/cgroup.js';
import { NO_FILTER } from '../../../source/model/filter.js';
import { latencySnap } from '../../fixtures/records.js';

const none = { stack: null, qdisc: null, driver: null, socket: null };
const packet = (over: Partial<LatencyPacket>): LatencyPacket => ({
	time: 1_700_000_000_000,
	dir: 'send',
	pid: 10,
	comm: 'iperf3',
	netns: 4026531840,
	family: 4,
	laddr: '10.0.0.1',
	lport: 5000,
	raddr: '10.0.0.2',
	rport: 80,
	ifindex: 2,
	ifname: 'eth0',
	queue: 0,
	proto: 'tcp',
	cgroupId: 0,
	len: 1500,
	stages: none,
	paced: false,
	segments: 1,
	segmented: false,
	...over,
});

test('figures: count, sum, average, and percentiles that are sampled values (nearest rank)', () => {
	const f = figures([5, 1, 4, 2, 3, 100, 6, 7, 8, 9]);
	assert.deepEqual(f, { count: 10, sum: 145, avg: 14.5, p50: 5, p90: 9, p99: 100 });
	assert.deepEqual(figures([]), { count: 0, sum: 0, avg: 0, p50: 0, p90: 0, p99: 0 });
	assert.deepEqual(figures([0.25]), { count: 1, sum: 0.25, avg: 0.3, p50: 0.3, p90: 0.3, p99: 0.3 }, 'a tenth of a microsecond shown');
});

test('log2 slots of microseconds as tcprtt counts them: 0-1, 2-3, 4-7, ...', () => {
	assert.deepEqual(slotsOf([0.2, 1.9, 2, 3.99, 4, 1000]), [2, 2, 1, 0, 0, 0, 0, 0, 0, 1]);
});

test('rows per stage and interface, and per flow with its owner; a packet with no flow counts for its interface only', () => {
	const packets = [
		packet({ stages: { ...none, stack: 3, qdisc: 2000, driver: 1 } }),
		packet({ stages: { ...none, stack: 5, qdisc: 4000, driver: 1 } }),
		packet({ ifname: 'lo', ifindex: 1, stages: { ...none, qdisc: 1, driver: 0.5 }, proto: '', lport: 0, rport: 0 }),
		packet({ dir: 'receive', pid: 20, comm: 'reader', laddr: '10.0.0.2', raddr: '10.0.0.1', lport: 80, rport: 5000, ifname: 'eth1', ifindex: 3, stages: { ...none, socket: 45_000 } }),
	];
	const prev = latencySnap({ counts: { sampled: [10, 20], unmatched: [1, 2] } });
	const cur = latencySnap({ packets, counts: { sampled: [14, 23], unmatched: [1, 5] } });
	const v = latencyView(prev, cur, NO_FILTER, new Map(), NO_CGROUPS);
	assert.deepEqual([v.sampled, v.timed, v.unmatched], [7, 4, { send: 0, receive: 3 }], 'the interval: sampled and unmatched are deltas');
	assert.deepEqual(
		v.stages.map((r) => [r.stage, r.ifname, r.count, r.p50]),
		[
			['stack', 'eth0', 2, 3],
			['qdisc', 'eth0', 2, 2000],
			['qdisc', 'lo', 1, 1],
			['driver', 'eth0', 2, 1],
			['driver', 'lo', 1, 0.5],
			['socket', 'eth1', 1, 45_000],
		],
		'in a packet\'s order, then by interface',
	);
	assert.deepEqual(v.stages[1]!.buckets.at(-1), { lo: 2048, hi: 4095, count: 1 });
	assert.deepEqual(v.flows.map((f) => [f.stage, f.pid, f.comm, f.count]), [['socket', 20, 'reader', 1], ['qdisc', 10, 'iperf3', 2], ['stack', 10, 'iperf3', 2], ['driver', 10, 'iperf3', 2]], 'flows by p99, longest first');
	assert.deepEqual(v.packets.map((p) => p.dir), ['receive', 'send', 'send', 'send'], 'newest first');
});

test('the filter keeps the packets of its processes and ports; the cgroup filter by the owner\'s cgroup', () => {
	const packets = [packet({ pid: 1, stages: { ...none, qdisc: 1 } }), packet({ pid: 2, lport: 443, cgroupId: 7, stages: { ...none, qdisc: 2 } })];
	const cur = latencySnap({ packets });
	assert.deepEqual(latencyView(undefined, cur, { ...NO_FILTER, pids: new Set([2]) }, new Map(), NO_CGROUPS).packets.map((p) => p.pid), [2]);
	assert.deepEqual(latencyView(undefined, cur, { ...NO_FILTER, ports: new Set([443]) }, new Map(), NO_CGROUPS).stages[0]!.count, 1);
	const cgroups = { get: (id: number) => (id === 7 ? cgroupOf(7, '/system.slice/docker-0123456789abcdef.scope') : undefined) };
	assert.deepEqual(latencyView(undefined, cur, { ...NO_FILTER, cgroup: '0123456789ab' }, new Map(), cgroups).packets.map((p) => p.pid), [2]);
});

test('JSON: stages, segmentation, flows with cgroup fields, packets with ISO times, a field per stage in µs, and how many segments', () => {
	const cgroups = { get: (id: number) => (id === 7 ? cgroupOf(7, '/system.slice/docker-0123456789abcdef.scope') : undefined) };
	const names = new Map([[4026531840, 'host']]);
	const cur = latencySnap({ packets: [packet({ cgroupId: 7, segments: 3, segmented: true, stages: { ...none, stack: 2.5, qdisc: 10, driver: 1 } })] });
	const out = new Piece();
	const text = Buffer.concat([...latency.json(latencyView(undefined, cur, NO_FILTER, names, cgroups), out, { netns: names, cgroups }), out.take(true)]).toString('utf8');
	const json = JSON.parse(text) as Record<string, unknown>;
	assert.deepEqual(Object.keys(json), ['state', 'every', 'sampled', 'timed', 'unmatched', 'stages', 'segmentation', 'flows', 'packets']);
	const stages = json.stages as Record<string, unknown>[];
	assert.equal(stages[0]!.netns_name, 'host');
	assert.deepEqual(json.segmentation, [{ netns: 4026531840, netns_name: 'host', ifname: 'eth0', followed: 1, lost: 0 }]);
	const flow = (json.flows as Record<string, unknown>[])[0]!;
	assert.deepEqual([flow.stage, flow.pid, flow.cgroup, flow.container], ['qdisc', 10, '/system.slice/docker-0123456789abcdef.scope', '0123456789ab']);
	const p = (json.packets as Record<string, unknown>[])[0]!;
	assert.deepEqual([p.time, p.dir, p.stack_us, p.qdisc_us, p.driver_us, p.socket_us, p.segments, p.segmented, p.container], ['2023-11-14T22:13:20.000Z', 'send', 2.5, 10, 1, null, 3, true, '0123456789ab']);
	assert.equal('cgroupId' in p || 'stages' in p, false);
});

test('packets cut into segments before the driver: per interface, those timed by their first segment and those not followed; the filter applies', () => {
	const cut = (over: Partial<LatencyPacket>) => packet({ segmented: true, segments: 45, ...over });
	const timed = [cut({ stages: { ...none, stack: 3, qdisc: 300_000, driver: 1 } }), cut({ stages: { ...none, qdisc: 200_000, driver: 1 } }), packet({ stages: { ...none, qdisc: 10, driver: 1 } })];
	const unfollowed = [cut({ proto: 'udp' }), cut({ netns: 99, ifindex: 5, ifname: 'veth9', pid: 3 })];
	const cur = latencySnap({ packets: timed, unfollowed });
	const v = latencyView(undefined, cur, NO_FILTER, new Map([[99, 'b']]), NO_CGROUPS);
	assert.deepEqual(v.segmentation, [
		{ netns: 99, netns_name: 'b', ifname: 'veth9', followed: 0, lost: 1 },
		{ netns: 4026531840, netns_name: null, ifname: 'eth0', followed: 2, lost: 1 },
	]);
	assert.equal(v.timed, 3, 'the packets not followed are not timed');
	assert.deepEqual(v.stages.find((r) => r.stage === 'qdisc')!.count, 3, 'a cut packet counts once, by its first segment');
	assert.deepEqual(latencyView(undefined, cur, { ...NO_FILTER, pids: new Set([3]) }, new Map(), NO_CGROUPS).segmentation.map((r) => [r.ifname, r.followed, r.lost]), [['veth9', 0, 1]]);
	assert.deepEqual(latencyView(undefined, latencySnap({ packets: timed.slice(2) }), NO_FILTER, new Map(), NO_CGROUPS).segmentation, [], 'none cut: no row');
});

test('a device whose packets left on several queues: its qdisc and driver rows per queue too', () => {
	const on = (queue: number, qdisc: number) => packet({ queue, stages: { ...none, qdisc, driver: 1 } });
	const v = latencyView(undefined, latencySnap({ packets: [on(0, 10), on(2, 3000), on(2, 5000)] }), NO_FILTER, new Map(), NO_CGROUPS);
	const qdisc = v.stages.find((r) => r.stage === 'qdisc')!;
	assert.deepEqual(qdisc.queues?.map((q) => [q.queue, q.count, q.p99]), [[0, 1, 10], [2, 2, 5000]]);
	const single = latencyView(undefined, latencySnap({ packets: [on(1, 10)] }), NO_FILTER, new Map(), NO_CGROUPS);
	assert.equal(single.stages[0]!.queues, undefined, 'one queue: no breakdown');
});
