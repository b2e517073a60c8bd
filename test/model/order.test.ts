// Sorting and matching many rows: the fast paths give what the plain ones would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byKeyDescending, indexesByKeyDescending } from '../../source/model/order.js';
import { matchSlots } from '../../source/model/slots.js';
import { topIndexes } from '../../source/format/lines.js';

const rows = Array.from({ length: 5000 }, (_, i) => ({ i, k: (i * 7919) % 97 }));
const stable = <T>(xs: readonly T[], by: (a: T, b: T) => number) => [...xs].sort(by);

test('byKeyDescending: the order of a stable sort by key, descending', () => {
	assert.deepEqual(byKeyDescending(rows, (r) => r.k), stable(rows, (a, b) => b.k - a.k));
});

test('byKeyDescending: keys too large or not whole fall back to the comparator', () => {
	const big = [{ k: 2 ** 40 }, { k: 1 }, { k: 2 ** 40 + 1 }];
	assert.deepEqual(byKeyDescending(big, (r) => r.k).map((r) => r.k), [2 ** 40 + 1, 2 ** 40, 1]);
	const fractions = [{ k: 0.5 }, { k: 1.5 }];
	assert.deepEqual(byKeyDescending(fractions, (r) => r.k).map((r) => r.k), [1.5, 0.5]);
});

test('indexesByKeyDescending: the indexes as byKeyDescending orders them; keys not whole fall back', () => {
	assert.deepEqual(indexesByKeyDescending(rows.length, (i) => rows[i]!.k), byKeyDescending(rows, (r) => r.k).map((r) => r.i));
	assert.deepEqual(indexesByKeyDescending(3, (i) => [0.5, 2 ** 40, 1.5][i]!), [1, 2, 0]);
	assert.deepEqual(indexesByKeyDescending(0, () => 1), []);
});

test('topIndexes: the first k of a stable sort, without sorting the rest', () => {
	const by = (a: { k: number }, b: { k: number }) => a.k - b.k;
	const top = (xs: typeof rows, k: number) => topIndexes(xs.length, k, (a, b) => by(xs[a]!, xs[b]!)).map((i) => xs[i]!);
	assert.deepEqual(top(rows, 20), stable(rows, by).slice(0, 20));
	assert.deepEqual(top(rows.slice(0, 3), 20), stable(rows.slice(0, 3), by));
	assert.deepEqual(top(rows, 0), []);
});

test('matchSlots: the same slot with the same flow matches; a reused slot or a new one does not', () => {
	const flow = (cookie: number) => ({ cookie });
	const prev = { lost: 0, count: 3, slot: Uint32Array.of(1, 4, 9), flows: [flow(10), flow(40), flow(90)] };
	const cur = { lost: 0, count: 4, slot: Uint32Array.of(0, 4, 9, 12), flows: [flow(5), flow(40), flow(91), flow(120)] };
	assert.deepEqual([...matchSlots(prev, cur, (a, b) => a.cookie === b.cookie)], [-1, 1, -1, -1]);
	assert.deepEqual([...matchSlots(undefined, cur, () => true)], [-1, -1, -1, -1]);
});
