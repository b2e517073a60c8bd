// A recording's frames (issue 31, docs/recording.md): a head, the payload, a tail; each checked by a CRC and readable from either end.
import { ByteReader, RecordingError } from '../format/binary.js';
import { crc32 } from './crc32.js';

/** The frames a recording holds: header, full block, delta block, recent lists, index, clean end. */
export type FrameType = 'H' | 'F' | 'D' | 'R' | 'I' | 'E';
const TYPES = new Set<string>(['H', 'F', 'D', 'R', 'I', 'E']);

/** Flags: the payload is raw deflate; and without its final block (a flushed stream's piece). */
export const DEFLATED = 1;
export const UNFINISHED = 2;

const MAGIC = [0x6e, 0x52]; // "nR"
export const HEAD_BYTES = 44;
export const TAIL_BYTES = 8;
/** The head's bytes the CRC covers before the payload: all but the CRC itself. */
const HEAD_CHECKED = 40;

export interface FrameHead {
	readonly type: FrameType;
	readonly flags: number;
	/** The payload's length before compression. */
	readonly rawLength: number;
	/** The frame's number in its recording, from 0. */
	readonly seq: number;
	/** Wall-clock time of the interval (ms since the epoch). */
	readonly wall: number;
	/** Bytes back from this frame's start to the full block it needs (0: none). */
	readonly fullBack: number;
	/** Bytes back from this frame's start to the latest index (0: none). */
	readonly indexBack: number;
}

export interface Frame extends FrameHead {
	/** Where the frame starts and ends in the data read. */
	readonly start: number;
	readonly end: number;
	/** The payload as stored (a view of the data, not a copy). */
	readonly payload: Uint8Array;
}

/** A u64 below 2^53 as two u32s. */
function putU64(buf: Buffer, n: number, at: number): void {
	buf.writeUInt32LE(n % 2 ** 32, at);
	buf.writeUInt32LE(Math.floor(n / 2 ** 32), at + 4);
}

/** A frame's bytes: head, payload, tail. */
export function encodeFrame(head: FrameHead, payload: Uint8Array): Buffer {
	for (const n of [head.rawLength, head.seq]) if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32) throw new RangeError(`frame: ${n} does not fit 32 bits`);
	for (const n of [head.fullBack, head.indexBack]) if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`frame: ${n} is not a distance`);
	const total = HEAD_BYTES + payload.length + TAIL_BYTES;
	const buf = Buffer.allocUnsafe(total);
	buf[0] = MAGIC[0]!;
	buf[1] = MAGIC[1]!;
	buf[2] = head.type.charCodeAt(0);
	buf[3] = head.flags;
	buf.writeUInt32LE(payload.length, 4);
	buf.writeUInt32LE(head.rawLength, 8);
	buf.writeUInt32LE(head.seq, 12);
	buf.writeDoubleLE(head.wall, 16);
	putU64(buf, head.fullBack, 24);
	putU64(buf, head.indexBack, 32);
	buf.set(payload, HEAD_BYTES);
	const crc = crc32(payload, crc32(buf.subarray(0, HEAD_CHECKED)));
	buf.writeUInt32LE(crc, HEAD_CHECKED);
	buf.writeUInt32LE(total, HEAD_BYTES + payload.length);
	buf.writeUInt32LE(crc, HEAD_BYTES + payload.length + 4);
	return buf;
}

/** The frame that starts at `start` in `data`, checked whole; a RecordingError says what is wrong and where. */
export function frameAt(data: Uint8Array, start: number): Frame {
	const where = `frame at byte ${start}`;
	if (data.length - start < HEAD_BYTES + TAIL_BYTES) throw new RecordingError(`${where}: the data ends at byte ${data.length}, inside the frame`);
	if (data[start] !== MAGIC[0] || data[start + 1] !== MAGIC[1] || !TYPES.has(String.fromCharCode(data[start + 2]!))) throw new RecordingError(`${where}: not a frame of a nettop recording`);
	const r = new ByteReader(data, where, start + 3);
	const flags = r.u8();
	const length = r.u32();
	const rawLength = r.u32();
	const seq = r.u32();
	const wall = r.f64();
	const fullBack = r.u32() + r.u32() * 2 ** 32;
	const indexBack = r.u32() + r.u32() * 2 ** 32;
	const crc = r.u32();
	const end = start + HEAD_BYTES + length + TAIL_BYTES;
	if (end > data.length) throw new RecordingError(`${where}: the data ends at byte ${data.length}, inside the frame (${length} bytes of payload)`);
	const payload = data.subarray(start + HEAD_BYTES, start + HEAD_BYTES + length);
	if (crc32(payload, crc32(data.subarray(start, start + HEAD_CHECKED))) !== crc) throw new RecordingError(`${where} (seq ${seq}): checksum mismatch`);
	const tail = new ByteReader(data, where, end - TAIL_BYTES);
	if (tail.u32() !== end - start || tail.u32() !== crc) throw new RecordingError(`${where} (seq ${seq}): its tail does not match its head`);
	return { type: String.fromCharCode(data[start + 2]!) as FrameType, flags, rawLength, seq, wall, fullBack, indexBack, start, end, payload };
}

/** The frame that ends at `end` in `data`, found from its tail: reading a recording backwards. */
export function frameBefore(data: Uint8Array, end: number): Frame {
	if (end < HEAD_BYTES + TAIL_BYTES || end > data.length) throw new RecordingError(`frame ending at byte ${end}: outside the data (${data.length} bytes)`);
	const size = new ByteReader(data, `frame ending at byte ${end}`, end - TAIL_BYTES).u32();
	if (size < HEAD_BYTES + TAIL_BYTES || size > end) throw new RecordingError(`frame ending at byte ${end}: its tail gives a length of ${size}`);
	const frame = frameAt(data, end - size);
	if (frame.end !== end) throw new RecordingError(`frame ending at byte ${end}: its head gives another length`);
	return frame;
}
