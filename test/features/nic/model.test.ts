// Table tests for NIC deltas between samples and per-interface totals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nicDeltas, nicInterfaces, type NicCounter } from '../../../source/features/nic/model.js';

const c = (netns: number, ifindex: number, queue: number, tx: number, rx = 0, ifname = 'eth0'): NicCounter => ({
	netns,
	ifindex,
	queue,
	ifname,
	tx_bytes: tx,
	tx_packets: tx / 100,
	rx_bytes: rx,
	rx_packets: rx / 100,
});

test('nicDeltas: growth, new keys, vanished keys, resets, sorted', () => {
	const prev = [c(1, 2, 0, 1000), c(1, 2, 1, 500), c(1, 3, 0, 9000), c(7, 2, 0, 100)];
	const cur = [
		c(7, 2, 0, 300), // same ifindex, other namespace: its own row
		c(1, 2, 1, 800),
		c(1, 2, 0, 1000), // idle
		c(1, 2, 2, 400), // new queue: counts from zero
		c(1, 3, 0, 200), // went down: reset, 200 since
		// 1:2:? all present; 1:3:0 present; nothing of 1:4 -> vanished keys never appear
	];
	const rows = nicDeltas(prev, cur);
	assert.deepEqual(
		rows.map((r) => [r.netns, r.ifindex, r.queue, r.tx_bytes, r.tx_packets]),
		[
			[1, 2, 0, 0, 0],
			[1, 2, 1, 300, 3],
			[1, 2, 2, 400, 4],
			[1, 3, 0, 200, 2],
			[7, 2, 0, 200, 2],
		],
	);
});

test('nicDeltas: a key that vanished is dropped, not shown as negative', () => {
	const rows = nicDeltas([c(1, 2, 0, 1000), c(1, 5, 0, 50)], [c(1, 2, 0, 1100)]);
	assert.deepEqual(rows.map((r) => [r.ifindex, r.tx_bytes]), [[2, 100]]);
});

test('nicInterfaces groups queues by (netns, ifindex) and adds them up', () => {
	const rows = nicDeltas([], [c(1, 2, 0, 100, 10), c(1, 2, 1, 200, 20), c(9, 2, 0, 5, 0, 'other')]);
	const ifs = nicInterfaces(rows);
	assert.equal(ifs.length, 2);
	assert.deepEqual(
		ifs.map((i) => [i.netns, i.ifname, i.tx_bytes, i.rx_bytes, i.tx_packets, i.queues.length]),
		[
			[1, 'eth0', 300, 30, 3, 2],
			[9, 'other', 5, 0, 0.05, 1],
		],
	);
});

test('nicDeltas: a namespace `ip netns` names carries its name; others null', () => {
	const c = (netns: number): NicCounter => ({ netns, ifindex: 2, queue: 0, ifname: 'veth0', tx_bytes: 1, tx_packets: 1, rx_bytes: 0, rx_packets: 0 });
	const rows = nicDeltas([], [c(5), c(6)], new Map([[5, 'blue']]));
	assert.deepEqual(rows.map((r) => [r.netns, r.netns_name]), [[5, 'blue'], [6, null]]);
});
