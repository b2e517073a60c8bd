// KeyIndex: values found again by their key's bytes in a later read, whatever the order, colliding hashes told apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyIndex, keyWords } from '../../source/kernel/key-index.js';

const SIZE = 48;

/** A read's key buffer: key k's words are (k, k * 7, 0, ...), so every key differs. */
function read(ks: readonly number[]): Buffer {
	const b = Buffer.alloc(SIZE * ks.length);
	ks.forEach((k, i) => {
		b.writeUInt32LE(k, i * SIZE);
		b.writeUInt32LE((k * 7) >>> 0, i * SIZE + 4);
	});
	return b;
}

/** FNV-1a of the first word, over 12 words of which the rest are 0: what KeyIndex hashes, for finding keys that collide. */
function fnv(k: number): number {
	let h = Math.imul(0x811c9dc5 ^ k, 0x01000193);
	h = Math.imul(h ^ ((k * 7) >>> 0), 0x01000193);
	for (let j = 2; j < SIZE / 4; j++) h = Math.imul(h, 0x01000193);
	return h >>> 2;
}

test('a value is found by its key in a later read, at another index; absent keys are not', () => {
	const index = new KeyIndex<string>(SIZE);
	const first = keyWords(read([10, 20, 30]));
	['ten', 'twenty', 'thirty'].forEach((v, i) => index.add(first, i, v));
	const later = keyWords(read([30, 40, 10]));
	assert.deepEqual([0, 1, 2].map((i) => index.get(later, i)), ['thirty', undefined, 'ten']);
});

test('keys whose hashes collide are told apart by their bytes, and retain() keeps each chain whole', () => {
	// Two keys of the same hash, found by counting up.
	const byHash = new Map<number, number>();
	let pair: [number, number] | undefined;
	for (let k = 1; !pair; k++) {
		const other = byHash.get(fnv(k));
		if (other !== undefined) pair = [other, k];
		else byHash.set(fnv(k), k);
	}
	const [a, b] = pair;
	const index = new KeyIndex<{ name: string; keep: boolean }>(SIZE);
	const keys = keyWords(read([a, b, 5]));
	index.add(keys, 0, { name: 'a', keep: true });
	index.add(keys, 1, { name: 'b', keep: true });
	index.add(keys, 2, { name: 'five', keep: false });
	const later = keyWords(read([b, a, 5]));
	assert.deepEqual([0, 1, 2].map((i) => index.get(later, i)?.name), ['b', 'a', 'five']);
	index.get(later, 1)!.keep = false;
	index.retain((v) => v.keep);
	assert.deepEqual([0, 1, 2].map((i) => index.get(later, i)?.name), ['b', undefined, undefined], 'a gone from the chain, b still in it; five gone');
});

test('keys of a buffer not word-aligned are read as well', () => {
	const bytes = read([3, 4]);
	const unaligned = Buffer.alloc(bytes.length + 1).subarray(1);
	bytes.copy(unaligned);
	const index = new KeyIndex<number>(SIZE);
	index.add(keyWords(bytes), 1, 4);
	assert.equal(index.get(keyWords(unaligned), 1), 4);
});

test('keys read in the order of the read before are found by that order; one let go meanwhile is not found, one new among them is not', () => {
	const index = new KeyIndex<{ name: string; keep: boolean }>(SIZE);
	const first = keyWords(read([1, 2, 3, 4]));
	['one', 'two', 'three', 'four'].forEach((name, i) => index.add(first, i, { name, keep: true }));
	// A read in the same order links each key to the next.
	const again = keyWords(read([1, 2, 3, 4]));
	assert.deepEqual([0, 1, 2, 3].map((i) => index.get(again, i)?.name), ['one', 'two', 'three', 'four']);
	index.get(again, 1)!.keep = false;
	index.retain((v) => v.keep);
	const later = keyWords(read([1, 2, 9, 3, 4]));
	assert.deepEqual([0, 1, 2, 3, 4].map((i) => index.get(later, i)?.name), ['one', undefined, undefined, 'three', 'four']);
});
