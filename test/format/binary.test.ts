// Recordings' bytes (issue 31): fields written and read back, the edges of varints, and a cut or malformed input as one line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteReader, ByteWriter, RecordingError } from '../../source/format/binary.js';

test('every kind of field reads back as written, the buffer growing from 1 byte', () => {
	const w = new ByteWriter(1);
	const varints = [0, 1, 127, 128, 16_383, 16_384, 2 ** 32, 2 ** 53 - 1];
	const deltas = [0, -1, 1, -2, 63, -64, 64, -(2 ** 52), 2 ** 52 - 1];
	w.u8(255).u32(0xdeadbeef).f64(-0.1).f64(1765100000123.5);
	for (const n of varints) w.varint(n);
	for (const n of deltas) w.zigzag(n);
	w.utf8('').utf8('nginx: worker').utf8('日本 ✓').bytes(Uint8Array.of(1, 2, 3)).raw(Uint8Array.of(9));
	const r = new ByteReader(w.finish());
	assert.deepEqual([r.u8(), r.u32(), r.f64(), r.f64()], [255, 0xdeadbeef, -0.1, 1765100000123.5]);
	assert.deepEqual(varints.map(() => r.varint()), varints);
	assert.deepEqual(deltas.map(() => r.zigzag()), deltas);
	assert.deepEqual([r.utf8(), r.utf8(), r.utf8()], ['', 'nginx: worker', '日本 ✓']);
	assert.deepEqual([...r.bytes()], [1, 2, 3]);
	assert.deepEqual([...r.raw(1)], [9]);
	assert.equal(r.left, 0);
});

test('varints take 1 byte below 128, 8 at 2^53-1; zigzag keeps small deltas small', () => {
	const size = (f: (w: ByteWriter) => void) => {
		const w = new ByteWriter();
		f(w);
		return w.length;
	};
	assert.deepEqual([0, 127, 128, 2 ** 53 - 1].map((n) => size((w) => w.varint(n))), [1, 1, 2, 8]);
	assert.deepEqual([-64, 63, 64].map((n) => size((w) => w.zigzag(n))), [1, 1, 2]);
});

test('numbers a varint cannot hold are refused as they are written', () => {
	const w = new ByteWriter();
	for (const n of [-1, 0.5, 2 ** 53, Number.NaN]) assert.throws(() => w.varint(n), RangeError, String(n));
	for (const n of [2 ** 52, -(2 ** 52) - 2, 0.5]) assert.throws(() => w.zigzag(n), RangeError, String(n));
});

test('a cut or malformed input throws one RecordingError naming the place, never reads past the end', () => {
	const cut = new ByteWriter().utf8('connections').finish().subarray(0, 5);
	assert.throws(() => new ByteReader(cut, 'block 7').utf8(), { name: 'RecordingError', message: 'block 7 ends at byte 5, 11 more needed at 1' });
	assert.throws(() => new ByteReader(Uint8Array.of(0x80, 0x80), 'block 7').varint(), RecordingError);
	// Nine bytes of continuation: longer than any varint written.
	assert.throws(() => new ByteReader(new Uint8Array(9).fill(0xff), 'block 7').varint(), { message: 'block 7: a number at byte 0 is longer than 2^53-1' });
	// Eight bytes that add up to 2^56-1.
	assert.throws(() => new ByteReader(Uint8Array.of(...new Array(7).fill(0xff), 0x7f), 'block 7').varint(), RecordingError);
	assert.throws(() => new ByteReader(Uint8Array.of(1, 2, 3), 'head').u32(), RecordingError);
});
