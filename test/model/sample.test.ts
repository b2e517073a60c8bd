// buildSample: interval length, deltas, unavailable collectors and lost updates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NicCounter } from '../../source/collectors/nic.js';
import type { RawSample } from '../../source/collectors/sources.js';
import { buildSample } from '../../source/model/sample.js';

const counter = (tx: number): NicCounter => ({ netns: 1, ifindex: 2, queue: 0, ifname: 'eth0', tx_bytes: tx, tx_packets: 1, rx_bytes: 0, rx_packets: 0 });

test('interval and time come from the samples; counters become deltas', () => {
	const prev: RawSample = { mono: 1000, wall: 5_000, nic: { counters: [counter(100)], lost: 0 } };
	const cur: RawSample = { mono: 1500, wall: 5_500, nic: { counters: [counter(350)], lost: 0 } };
	const s = buildSample(prev, cur);
	assert.equal(s.interval, 0.5);
	assert.equal(s.time, 5_500);
	assert.ok(Array.isArray(s.nic));
	assert.equal((s.nic as { tx_bytes: number }[])[0]!.tx_bytes, 250);
	assert.deepEqual(s.lost, {});
});

test('an unavailable collector stays unavailable with its reason', () => {
	const why = { unavailable: 'kernel has no tracepoint net_dev_start_xmit' };
	const s = buildSample({ mono: 0, wall: 0, nic: why }, { mono: 1000, wall: 1000, nic: why });
	assert.deepEqual(s.nic, why);
});

test('updates lost to a full map during the interval are reported', () => {
	const s = buildSample({ mono: 0, wall: 0, nic: { counters: [], lost: 4 } }, { mono: 1000, wall: 1000, nic: { counters: [], lost: 10 } });
	assert.deepEqual(s.lost, { nic: 6 });
});
