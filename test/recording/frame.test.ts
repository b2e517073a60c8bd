// Recordings' frames (issue 31): written and read from either end, and every kind of damage found and named: a flipped bit, a cut, a wrong tail.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { RecordingError } from '../../source/format/binary.js';
import { crc32, crc32Table } from '../../source/recording/crc32.js';
import { DEFLATED, encodeFrame, frameAt, frameBefore, HEAD_BYTES, TAIL_BYTES, type FrameHead } from '../../source/recording/frame.js';

const HEAD: FrameHead = { type: 'D', flags: DEFLATED, rawLength: 300, seq: 4_000_000_000, wall: 1_765_100_000_123, fullBack: 2 ** 40 + 7, indexBack: 12_345 };

test('the CRC is CRC-32/IEEE, the table\'s the same as node:zlib\'s, whole or in pieces', () => {
	assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
	assert.equal(crc32Table(Buffer.from('123456789')), 0xcbf43926);
	for (let n = 0; n < 50; n++) {
		const data = randomBytes(n * 37);
		const cut = Math.floor(data.length / 3);
		assert.equal(crc32Table(data), crc32(data));
		assert.equal(crc32Table(data.subarray(cut), crc32Table(data.subarray(0, cut))), crc32(data));
	}
});

test('frames read back from their start and from their end, one after another', () => {
	const payloads = [Buffer.alloc(0), randomBytes(1), randomBytes(5000)];
	const frames = payloads.map((p, i) => encodeFrame({ ...HEAD, seq: i, type: i === 0 ? 'H' : 'F' }, p));
	const file = Buffer.concat(frames);
	let at = 0;
	for (const [i, p] of payloads.entries()) {
		const f = frameAt(file, at);
		assert.deepEqual({ ...f, payload: Buffer.from(f.payload) }, { ...HEAD, seq: i, type: i === 0 ? 'H' : 'F', start: at, end: at + HEAD_BYTES + p.length + TAIL_BYTES, payload: p });
		at = f.end;
	}
	assert.equal(at, file.length);
	let end = file.length;
	for (let i = payloads.length - 1; i >= 0; i--) {
		const f = frameBefore(file, end);
		assert.equal(f.seq, i);
		end = f.start;
	}
	assert.equal(end, 0);
});

test('a flipped bit anywhere in a frame is found, and named by its place', () => {
	const frame = encodeFrame(HEAD, randomBytes(200));
	for (let byte = 0; byte < frame.length; byte++) {
		const bad = Buffer.from(frame);
		bad[byte] = bad[byte]! ^ (1 << (byte % 8));
		assert.throws(() => frameAt(bad, 0), RecordingError, `byte ${byte}`);
		assert.throws(() => frameBefore(bad, bad.length), RecordingError, `byte ${byte}, read backwards`);
	}
	assert.throws(() => frameAt(Buffer.concat([Buffer.alloc(10), frame]), 10 + 1), { message: /^frame at byte 11: not a frame of a nettop recording$/ });
	const payloadBit = Buffer.from(frame);
	payloadBit[HEAD_BYTES + 3] = payloadBit[HEAD_BYTES + 3]! ^ 0x10;
	assert.throws(() => frameAt(payloadBit, 0), { message: `frame at byte 0 (seq ${HEAD.seq}): checksum mismatch` });
});

test('a frame cut short at any byte (a crash while writing) is found, from either end', () => {
	const frame = encodeFrame(HEAD, randomBytes(100));
	for (let n = 0; n < frame.length; n++) {
		const cut = frame.subarray(0, n);
		assert.throws(() => frameAt(cut, 0), RecordingError, `cut at ${n}`);
		assert.throws(() => frameBefore(cut, cut.length), RecordingError, `cut at ${n}, read backwards`);
	}
});

test('heads that cannot be written are refused as they are made', () => {
	assert.throws(() => encodeFrame({ ...HEAD, seq: 2 ** 32 }, Buffer.alloc(0)), RangeError);
	assert.throws(() => encodeFrame({ ...HEAD, fullBack: -1 }, Buffer.alloc(0)), RangeError);
	assert.throws(() => encodeFrame({ ...HEAD, indexBack: 2 ** 53 }, Buffer.alloc(0)), RangeError);
});
