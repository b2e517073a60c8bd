// log2 histogram maths: slot ranges, buckets, slot deltas, percentiles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buckets, percentiles, slotRange } from '../../source/model/histogram.js';

const percentile = (slots: number[], p: number) => percentiles(slots, [p])[0]!;

test('slot ranges as tcprtt prints them', () => {
	assert.deepEqual([0, 1, 2, 10].map(slotRange), [
		{ lo: 0, hi: 1 },
		{ lo: 2, hi: 3 },
		{ lo: 4, hi: 7 },
		{ lo: 1024, hi: 2047 },
	]);
});

test('buckets run from slot 0 to the last non-empty slot', () => {
	assert.deepEqual(buckets([0, 2, 0, 5, 0, 0]), [
		{ lo: 0, hi: 1, count: 0 },
		{ lo: 2, hi: 3, count: 2 },
		{ lo: 4, hi: 7, count: 0 },
		{ lo: 8, hi: 15, count: 5 },
	]);
	assert.deepEqual(buckets([0, 0]), []);
});

test('percentiles interpolate inside the slot where the rank falls', () => {
	// 100 samples in slot 6 ([64, 128)): p50 is half way, p99 near the top.
	const slots = new Array(27).fill(0);
	slots[6] = 100;
	assert.equal(percentile(slots, 0.5), 96);
	assert.equal(percentile(slots, 0.99), 64 + 0.99 * 64);
	// 90 fast samples, 10 slow: p50 among the fast, p99 among the slow.
	const mixed = new Array(27).fill(0);
	mixed[4] = 90;
	mixed[14] = 10;
	assert.ok(percentile(mixed, 0.5) >= 16 && percentile(mixed, 0.5) < 32);
	assert.ok(percentile(mixed, 0.99) >= 16384 && percentile(mixed, 0.99) < 32768);
	assert.equal(percentile(new Array(27).fill(0), 0.5), 0);
	assert.deepEqual(percentiles(slots, [0.5, 0.99]), [96, 64 + 0.99 * 64], 'several in one pass');
});
