// The --json line: keys, ISO time, interval in seconds, NIC rows as deltas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../../source/model/sample.js';
import { jsonLine } from '../../source/output/json.js';

test('one JSON object with time, interval and nic rows', () => {
	const sample: Sample = {
		time: Date.UTC(2026, 10, 22, 12, 0, 0, 250),
		interval: 0.5000004,
		nic: [{ ifname: 'eth0', ifindex: 2, netns: 4026531840, queue: 1, tx_bytes: 10, tx_packets: 1, rx_bytes: 0, rx_packets: 0 }],
		lost: {},
	};
	const line = jsonLine(sample);
	assert.ok(!line.includes('\n'));
	assert.deepEqual(JSON.parse(line), {
		time: '2026-11-22T12:00:00.250Z',
		interval: 0.5,
		nic: [{ ifname: 'eth0', ifindex: 2, netns: 4026531840, queue: 1, tx_bytes: 10, tx_packets: 1, rx_bytes: 0, rx_packets: 0 }],
	});
});

test('an unavailable collector and lost updates are reported under their keys', () => {
	const line = JSON.parse(jsonLine({ time: 0, interval: 1, nic: { unavailable: 'no BTF' }, lost: { nic: 3 } }));
	assert.deepEqual(line.nic, { unavailable: 'no BTF' });
	assert.deepEqual(line.lost, { nic: 3 });
});
