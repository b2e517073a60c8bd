// The UI's history while live: the last minutes in memory, whole epochs, bounded; written out, a recording that replays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Reading } from '../../source/features/index.js';
import { FORMAT, FULL_EVERY } from '../../source/recording/file.js';
import { Recording } from '../../source/recording/recording.js';
import { HistoryRing } from '../../source/recording/ring.js';
import { raw, tcp } from '../fixtures/records.js';

const HEADER = { format: FORMAT, nettop: '0.1.0', host: 'web1', kernel: '6.18', boot: 0, started: 0, interval_s: 1, netns: 0, modes: [], tz: 'UTC' };
const reading = (k: number): Reading => raw(k * 1000, { tcp: { counters: [tcp(1000 * k, 10 * k)], lost: 0 } });

test('the ring keeps at least its minutes, in whole epochs, and its bytes are a recording of them', () => {
	const ring = new HistoryRing(90_000);
	for (let k = 0; k < 500; k++) ring.add(reading(k));
	const { readings } = ring.size;
	assert.ok(readings >= 91 && readings <= 90 + FULL_EVERY, `readings kept: ${readings}`);
	assert.equal(readings % FULL_EVERY, 500 % FULL_EVERY, 'whole epochs went');
	const rec = new Recording(ring.recording(HEADER), 'history');
	assert.deepEqual(rec.damage, []);
	assert.equal(rec.length, readings);
	assert.deepEqual(
		Array.from({ length: rec.length }, (_, k) => rec.wallAt(k)),
		Array.from({ length: readings }, (_, k) => reading(500 - readings + k).wall),
	);
	const last = rec.reading(rec.length - 1) as { tcp: { tx: Float64Array } };
	assert.deepEqual([...last.tcp.tx], [499_000]);
});

test('past its bytes, the oldest epochs go whatever the minutes', () => {
	const ring = new HistoryRing(3_600_000, 20_000);
	for (let k = 0; k < 600; k++) ring.add(reading(k));
	assert.ok(ring.size.bytes <= 20_000, `bytes: ${ring.size.bytes}`);
	assert.ok(ring.size.readings < 600);
});
