// The recording's value codec: any reading's tree back as it was, what did not change in a byte, the same objects on replay.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteReader, ByteWriter, RecordingError } from '../../source/format/binary.js';
import { ValueEncoder } from '../../source/recording/value.js';
import { ValueDecoder } from '../../source/recording/value-decoder.js';

/** Writes `values` as blocks in turn, each against the one before, and reads them back; returns the decoded values and each block's size. */
function roundtrip(values: unknown[], every = Infinity): { out: unknown[]; sizes: number[] } {
	const enc = new ValueEncoder();
	const dec = new ValueDecoder();
	let shadow: unknown;
	let before: unknown;
	const out: unknown[] = [];
	const sizes: number[] = [];
	values.forEach((v, i) => {
		if (i % every === 0) {
			enc.reset();
			dec.reset();
			shadow = before = undefined;
		}
		const w = new ByteWriter();
		shadow = enc.write(w, v, shadow);
		const bytes = w.finish();
		sizes.push(bytes.length);
		const r = new ByteReader(bytes);
		before = dec.read(r, before);
		assert.equal(r.left, 0, 'the block read whole');
		out.push(before);
	});
	return { out, sizes };
}

test('every kind of value comes back as written, block after block', () => {
	const values = [
		{ a: 1, b: 'x', c: [1, 2.5, -3, null, undefined, true, false], d: new Map<unknown, unknown>([[7, { n: 1 }], ['k', 'v']]), e: new Float64Array([1, 2 ** 40, 3]), f: new Uint32Array([4, 5]), g: -0, h: NaN, i: 2 ** 60, j: -(2 ** 53) + 1 },
		{ a: 2, b: 'y', c: [1, 2.5, -3, null, undefined, true, false], d: new Map<unknown, unknown>([['k', 'v'], [7, { n: 2 }]]), e: new Float64Array([1.5, 2 ** 40, 3, 9]), f: new Uint32Array([3]), g: 0, h: Infinity, i: 2 ** 60 + 256, j: 2 ** 53 - 1 },
		{ a: 2, b: 'y', c: [], d: new Map(), e: new Float64Array(0), f: new Uint32Array([3]), g: 0, h: -Infinity, i: 1, j: 0, k: 'new key' },
		{ a: 'now a string', b: 5, c: { not: 'an array' }, d: [1], e: new Int32Array([-5, 5]), f: null, g: 0, h: 0, i: 1, j: 0, k: 'new key' },
	];
	const { out } = roundtrip(values);
	assert.deepEqual(out, values);
	// Map order is kept (JSON rows with equal keys come out in it).
	assert.deepEqual([...(out[1] as { d: Map<unknown, unknown> }).d.keys()], ['k', 7]);
});

test('what did not change costs a byte; counters cost their growth; objects unchanged are the same objects on replay', () => {
	const flow = (cookie: number) => ({ cookie, pid: 100 + cookie, comm: 'python3', laddr: '10.0.0.1', lport: 5000 + cookie, raddr: '10.0.0.2', rport: 80 });
	const flows = Array.from({ length: 1000 }, (_, i) => flow(i));
	const tx = (k: number) => Float64Array.from(flows, (_, i) => 1_000_000 + i * 1000 + k * (i % 2));
	const block = (k: number) => ({ flows, tx: tx(k), names: new Map([[4026531840, 'host']]) });
	const { out, sizes } = roundtrip([block(0), block(1), block(1), block(2)]);
	assert.deepEqual(out[3], block(2));
	assert.ok(sizes[0]! > 20_000, `the first block holds everything: ${sizes[0]}`);
	assert.ok(sizes[2]! < 10, `a block like the one before: ${sizes[2]} bytes`);
	assert.ok(sizes[1]! < 1000 + 50, `500 counters grew by 1: a byte each, ${sizes[1]} bytes`);
	const [a, b] = [out[1] as { flows: object[] }, out[3] as { flows: object[] }];
	assert.equal(a.flows, b.flows, 'the unchanged list is the same array');
	assert.equal(a.flows[5], b.flows[5], 'and its flows the same objects');
});

test('a value changed in place, or a pooled array refilled, is written as it is now', () => {
	const live = { counts: { x: 1 }, pool: new Float64Array([1, 2]) };
	const enc = new ValueEncoder();
	const dec = new ValueDecoder();
	let w = new ByteWriter();
	const shadow = enc.write(w, live, undefined);
	let decoded = dec.read(new ByteReader(w.finish()), undefined);
	live.counts.x = 2; // the same object, changed
	live.pool[0] = 5; // the same array, refilled by a later read
	w = new ByteWriter();
	enc.write(w, live, shadow);
	decoded = dec.read(new ByteReader(w.finish()), decoded);
	assert.deepEqual(decoded, { counts: { x: 2 }, pool: new Float64Array([5, 2]) });
});

test('a new epoch writes its strings again and stands alone', () => {
	const v = (n: number) => ({ comm: 'curl', addr: '10.0.0.1', n });
	const { out, sizes } = roundtrip([v(1), v(2), v(3), v(4)], 2);
	assert.deepEqual(out, [v(1), v(2), v(3), v(4)]);
	assert.equal(sizes[2], sizes[0], 'the third block, a new epoch, as big as the first');
});

test('a string first met inside a part that turns out unchanged is not left in the table', () => {
	// Map keys are written with no value before them: a new key string inside a Map that equals the one before.
	const m1 = new Map([['a', 1]]);
	const { out } = roundtrip([{ m: m1, s: 'x' }, { m: new Map([['a', 1]]), s: 'a' }, { m: new Map([['b', 1]]), s: 'a' }]);
	assert.deepEqual(out, [{ m: m1, s: 'x' }, { m: new Map([['a', 1]]), s: 'a' }, { m: new Map([['b', 1]]), s: 'a' }]);
});

test('a class instance, a bigint or a function cannot be recorded: said, not written wrong', () => {
	for (const v of [{ at: new Date() }, { n: 1n }, { f: () => 1 }, { s: new Set([1]) }]) assert.throws(() => new ValueEncoder().write(new ByteWriter(), v, undefined), RecordingError);
});

test('cut or damaged bytes throw a RecordingError, never a wrong value or a huge allocation', () => {
	const w = new ByteWriter();
	new ValueEncoder().write(w, { a: [1, 2, 3], s: 'text', m: new Map([[1, new Float64Array([1.5, 2])]]) }, undefined);
	const bytes = w.finish();
	for (let n = 0; n < bytes.length; n++) assert.throws(() => new ValueDecoder().read(new ByteReader(bytes.subarray(0, n)), undefined), RecordingError, `cut at ${n}`);
	const huge = new ByteWriter().u8(10).varint(2 ** 40).finish(); // an array "of 2^40"
	assert.throws(() => new ValueDecoder().read(new ByteReader(huge), undefined), /more than the block holds/);
	assert.throws(() => new ValueDecoder().read(new ByteReader(Buffer.from([99])), undefined), /unknown value/);
});

test('a frozen object written before at the same place is known unchanged by its identity; another, or one not frozen, by its values', () => {
	const a = Object.freeze({ cookie: 1, comm: 'curl' });
	const b = Object.freeze({ cookie: 2, comm: 'curl' });
	const loose = { cookie: 3, comm: 'sh' };
	const { out, sizes } = roundtrip([[a, loose], [a, loose], [b, { ...loose, cookie: 4 }], [b, { ...loose, cookie: 4 }]]);
	assert.deepEqual(out, [[a, loose], [a, loose], [b, { ...loose, cookie: 4 }], [b, { ...loose, cookie: 4 }]]);
	assert.equal(sizes[1], 1, 'the same list: one byte');
	assert.ok(sizes[2]! > 3, 'another frozen object is written');
	assert.equal(sizes[3], 1);
	// A frozen object of plain values is its own shadow: an equal one after it, frozen or not, is SAME (and nothing is
	// written on the frozen one); a frozen one holding an object still gets a shadow of its own, as the loose one does.
	const twin = Object.freeze({ cookie: 1, comm: 'curl' });
	const nested = Object.freeze({ cookie: 5, at: { port: 80 } });
	const again = roundtrip([{ f: a, n: nested }, { f: twin, n: nested }, { f: { cookie: 1, comm: 'curl' }, n: Object.freeze({ cookie: 5, at: { port: 80 } }) }, { f: twin, n: nested }]);
	assert.deepEqual(again.sizes.slice(1), [1, 1, 1], 'equal values: a byte each, by identity or by value');
	assert.deepEqual(again.out.at(-1), { f: twin, n: nested });
	const enc = new ValueEncoder();
	const shadow = enc.write(new ByteWriter(), { f: a, n: nested }, undefined) as { f: unknown; n: unknown };
	assert.equal(shadow.f, a, 'its own shadow');
	assert.notEqual(shadow.n, nested, 'a shadow of its own: what it holds may change');
});

test('a list of the same frozen objects costs a byte, and its watched values are still handed on each block', () => {
	const flows = [Object.freeze({ cookie: 1, cgroupId: 7 }), Object.freeze({ cookie: 2, cgroupId: 8 })];
	const seen: unknown[][] = [];
	let now: unknown[] = [];
	const enc = new ValueEncoder({ key: 'cgroupId', seen: (v) => now.push(v) });
	let shadow: unknown;
	const sizes: number[] = [];
	for (const list of [flows, [...flows], [...flows], [flows[0]!]]) {
		now = [];
		const w = new ByteWriter();
		shadow = enc.write(w, { list }, shadow);
		sizes.push(w.length);
		seen.push([...new Set(now)].sort());
	}
	assert.deepEqual(seen, [[7, 8], [7, 8], [7, 8], [7]]);
	assert.equal(sizes[1], 1, 'the same flows in a new array: one byte');
	assert.equal(sizes[2], 1);
	assert.ok(sizes[3]! > 1, 'one flow gone: written');
});
