// CRC-32 (IEEE, as zip and gzip) of a recording's frames: node:zlib's where this Node has it (20.15 and later), else a table of our own.
import * as zlib from 'node:zlib';

const TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

/** The CRC of `data`, continuing from `value` (the CRC of what came before it). */
export function crc32Table(data: Uint8Array, value = 0): number {
	let c = ~value >>> 0;
	for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
	return ~c >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** The CRC of `data`, continuing from `value`: node:zlib's where there is one, the same numbers either way. */
export const crc32: (data: Uint8Array, value?: number) => number = typeof native === 'function' ? (data, value = 0) => native(data, value) : crc32Table;
