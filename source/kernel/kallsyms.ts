// Kernel addresses to function names (/proc/kallsyms): the addresses not yet known found in one pass over the file, kept by address.
import { readWhole } from '../../native/proc.js';

/** The value of hex digit `c` (an ASCII code), or -1. */
function hexDigit(c: number): number {
	if (c >= 48 && c <= 57) return c - 48;
	if (c >= 97 && c <= 102) return c - 87;
	return -1;
}

/** 8 hex digits at `at` as a number, or -1. */
function hex32(buf: Uint8Array, at: number): number {
	let v = 0;
	for (let k = at; k < at + 8; k++) {
		const d = hexDigit(buf[k]!);
		if (d < 0) return -1;
		v = v * 16 + d;
	}
	return v;
}

/**
 * The symbol an address falls in, as `function+0x1c`. Drops name a handful
 * of places, over and over: each address is looked up once, and those a
 * read has not seen before are looked up together, in one pass over
 * /proc/kallsyms (5 MB the kernel takes tens of ms to write), kept as bytes
 * and let go after: no index of 100,000 symbols held for a few names.
 * Addresses the kernel hides (kptr_restrict, not root) stay as hex.
 */
export class Kallsyms {
	private readonly known = new Map<bigint, string>();
	/** Passes over the file so far: one per read that met addresses not seen before. */
	scans = 0;

	constructor(private readonly file = '/proc/kallsyms') {}

	/** Looks up every address of `addresses` not known yet, in one pass. */
	resolve(addresses: Iterable<bigint>): void {
		const wanted = [...new Set(addresses)].filter((a) => a !== 0n && !this.known.has(a));
		if (wanted.length === 0) return;
		if (this.known.size + wanted.length > 4096) this.known.clear();
		this.scans++;
		const hi = wanted.map((a) => Number(a >> 32n));
		const lo = wanted.map((a) => Number(a & 0xffffffffn));
		// Per wanted address, the last text symbol at or below it with the same upper half: its low half and where its name starts.
		const bestLo = wanted.map(() => -1);
		const bestAt = wanted.map(() => 0);
		let buf: Uint8Array;
		try {
			buf = readWhole(this.file, Buffer.allocUnsafe(8 << 20)); // 5.4 MB here: one read, untouched pages not resident
		} catch {
			buf = new Uint8Array(0);
		}
		const n = buf.length;
		for (let start = 0; start < n; ) {
			// "ffffffff81000000 T _stext\t[module]": text symbols with a real address only.
			const kind = buf[start + 17];
			if ((kind === 116 || kind === 84) && buf[start + 18] === 32) {
				const h = hex32(buf, start);
				const l = hex32(buf, start + 8);
				if (h > 0 || l > 0) {
					for (let w = 0; w < wanted.length; w++) {
						if (h !== hi[w] || l > lo[w]! || l <= bestLo[w]!) continue;
						bestLo[w] = l;
						bestAt[w] = start + 19;
					}
				}
			}
			// The next line: past the address, kind and the shortest name.
			let next = start + 20;
			while (next < n && buf[next] !== 10) next++;
			start = next + 1;
		}
		const nameAt = (at: number) => {
			let end = at;
			while (end < n && buf[end] !== 10 && buf[end] !== 32 && buf[end] !== 9) end++; // "name\t[module]"
			return Buffer.from(buf.buffer, buf.byteOffset + at, end - at).toString('latin1');
		};
		wanted.forEach((a, w) => this.known.set(a, bestLo[w]! < 0 ? `0x${a.toString(16).padStart(16, '0')}` : `${nameAt(bestAt[w]!)}+0x${(lo[w]! - bestLo[w]!).toString(16)}`));
	}

	/** `function+0x1c` for an address; 0 is "-", an address below every symbol its hex. */
	name(address: bigint): string {
		if (address === 0n) return '-';
		let text = this.known.get(address);
		if (text === undefined) {
			this.resolve([address]);
			text = this.known.get(address)!;
		}
		return text;
	}
}
