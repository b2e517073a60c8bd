// Reads host-endian integers and C strings out of map bytes; u64 becomes a number here and nowhere else.
import { LITTLE_ENDIAN, type Field } from '../../native/layouts.js';
import type { MapEntries } from '../../native/map.js';

const TWO_32 = 2 ** 32;

export function u8(buf: Buffer, offset: number): number {
	return buf[offset]!;
}

export function u16(buf: Buffer, offset: number): number {
	return LITTLE_ENDIAN ? buf.readUInt16LE(offset) : buf.readUInt16BE(offset);
}

export function u32(buf: Buffer, offset: number): number {
	return LITTLE_ENDIAN ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
}

/** A u64 at word `at` of mapped values (host-order u32 words) as a number, exact below 2^53. */
export function wordsU64(words: Uint32Array, at: number): number {
	return LITTLE_ENDIAN ? words[at + 1]! * TWO_32 + words[at]! : words[at]! * TWO_32 + words[at + 1]!;
}

/** A u64 as a number: exact below 2^53 (9 PB of bytes), which counters never reach in practice. */
export function u64(buf: Buffer, offset: number): number {
	const lo = u32(buf, offset + (LITTLE_ENDIAN ? 0 : 4));
	const hi = u32(buf, offset + (LITTLE_ENDIAN ? 4 : 0));
	return hi * TWO_32 + lo;
}

/** A u64 as a bigint, every bit kept (for sums that must wrap modulo 2^64). */
export function u64Big(buf: Buffer, offset: number): bigint {
	return LITTLE_ENDIAN ? buf.readBigUInt64LE(offset) : buf.readBigUInt64BE(offset);
}

/** Reads one field of a layout at `base`. */
export function field(buf: Buffer, base: number, f: Field): number {
	switch (f.type) {
		case 'u8':
			return u8(buf, base + f.offset);
		case 'u16':
			return u16(buf, base + f.offset);
		case 'u32':
			return u32(buf, base + f.offset);
		case 'u64':
			return u64(buf, base + f.offset);
		default:
			throw new Error(`field of type ${f.type} is not a number`);
	}
}

/** A u64 field of entry `i` of a per-CPU map, summed over the CPUs. */
export function sumPerCpu(entries: MapEntries, i: number, f: Field): number {
	let total = 0;
	const base = i * entries.valueStride + f.offset;
	for (let cpu = 0; cpu < entries.cpus; cpu++) total += u64(entries.values, base + cpu * entries.cpuStride);
	return total;
}

/**
 * A NUL-terminated C string field made safe to print. Names come from the
 * kernel but are chosen by whoever named the process or interface, so control
 * characters (C0, DEL, C1: terminal escapes among them) become '?', as ps shows them.
 */
export function cstring(buf: Buffer, offset: number, max: number): string {
	const limit = Math.min(offset + max, buf.length);
	let end = offset;
	// Bytes that can make a control character: C0, DEL, and 0xC2 (UTF-8's lead byte of C1). Names without them skip the regex: thousands a second under a churn.
	let plain = true;
	for (; end < limit; end++) {
		const b = buf[end]!;
		if (b === 0) break;
		if (b < 0x20 || b === 0x7f || b === 0xc2) plain = false;
	}
	const raw = buf.toString('utf8', offset, end);
	return plain ? raw : printable(raw);
}

export function printable(text: string): string {
	return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** The key bytes of entry `i` (a view: copy it to keep it past the next read). */
export function keyAt(entries: MapEntries, i: number): Buffer {
	return entries.keys.subarray(i * entries.keySize, (i + 1) * entries.keySize);
}

/** Writes a host-endian u32, to build a key. */
export function writeU32(buf: Buffer, offset: number, value: number): void {
	if (LITTLE_ENDIAN) buf.writeUInt32LE(value, offset);
	else buf.writeUInt32BE(value, offset);
}

/** Writes a host-endian u64 (an exact integer below 2^53), to build a key. */
export function writeU64(buf: Buffer, offset: number, value: number): void {
	if (LITTLE_ENDIAN) buf.writeBigUInt64LE(BigInt(value), offset);
	else buf.writeBigUInt64BE(BigInt(value), offset);
}

/** The total of a per-CPU array of u64 lost-update counters (cumulative). */
/** bpf/nettop.h LOST_EVENT: an event that did not fit its ring. */
export const LOST_EVENT = 2;

/** One of an object's lost-update counters (bpf/nettop.h LOST_*), summed over the CPUs; 0 when absent. */
export function lostAt(entries: MapEntries, index: number): number {
	for (let i = 0; i < entries.count; i++) if (u32(keyAt(entries, i), 0) === index) return sumPerCpu(entries, i, { offset: 0, size: 8, type: 'u64' });
	return 0;
}

export function sumLost(entries: MapEntries): number {
	let total = 0;
	for (let i = 0; i < entries.count; i++) total += sumPerCpu(entries, i, { offset: 0, size: 8, type: 'u64' });
	return total;
}
