// Kernel addresses to function names (/proc/kallsyms): read once, at the first address asked, into a compact sorted index of text symbols.
import { readFileSync } from 'node:fs';

const TWO_32 = 2 ** 32;

/**
 * The symbol an address falls in, as `function+0x1c`. /proc/kallsyms costs
 * the kernel tens of milliseconds to write (megabytes), so it is read once,
 * when the first address is asked, and kept as sorted address halves and
 * name offsets into the text (a few MB). Addresses the kernel hides
 * (kptr_restrict, not root) stay as hex.
 */
export class Kallsyms {
	private hi = new Uint32Array(0);
	private lo = new Uint32Array(0);
	private nameAt = new Uint32Array(0);
	private nameEnd = new Uint32Array(0);
	private text = '';
	private loaded = false;
	private readonly known = new Map<bigint, string>();

	constructor(private readonly file = '/proc/kallsyms') {}

	private load(): void {
		this.loaded = true;
		try {
			this.text = readFileSync(this.file, 'utf8');
		} catch {
			return;
		}
		const rows: number[] = [];
		const text = this.text;
		for (let start = 0; start < text.length; ) {
			let end = text.indexOf('\n', start);
			if (end < 0) end = text.length;
			// "ffffffff81000000 T _stext [module]": text symbols with a real address only.
			const kind = text[start + 17];
			if ((kind === 't' || kind === 'T') && end - start > 19 && !text.startsWith('0000000000000000', start)) rows.push(start, end);
			start = end + 1;
		}
		const n = rows.length / 2;
		const order = Array.from({ length: n }, (_, i) => i);
		const hiOf = (i: number) => parseInt(text.slice(rows[2 * i]!, rows[2 * i]! + 8), 16);
		const loOf = (i: number) => parseInt(text.slice(rows[2 * i]! + 8, rows[2 * i]! + 16), 16);
		const his = order.map(hiOf);
		const los = order.map(loOf);
		order.sort((a, b) => his[a]! - his[b]! || los[a]! - los[b]!);
		this.hi = Uint32Array.from(order, (i) => his[i]!);
		this.lo = Uint32Array.from(order, (i) => los[i]!);
		// Only the names are kept (in one string, the addresses and kinds dropped): half the text.
		const names: string[] = [];
		this.nameAt = new Uint32Array(n);
		this.nameEnd = new Uint32Array(n);
		let at = 0;
		order.forEach((i, k) => {
			const start = rows[2 * i]! + 19;
			const space = text.indexOf(' ', start);
			const end = space < 0 || space > rows[2 * i + 1]! ? rows[2 * i + 1]! : space;
			names.push(text.slice(start, end));
			this.nameAt[k] = at;
			at += end - start + 1;
			this.nameEnd[k] = at - 1;
		});
		this.text = names.join('\n');
	}

	/** `function+0x1c` for an address; 0 is "-", an address below every symbol its hex. */
	name(address: bigint): string {
		if (address === 0n) return '-';
		const known = this.known.get(address);
		if (known !== undefined) return known;
		if (!this.loaded) this.load();
		const hi = Number(address >> 32n);
		const lo = Number(address & 0xffffffffn);
		// The last symbol at or below the address.
		let [l, r] = [0, this.hi.length - 1];
		let found = -1;
		while (l <= r) {
			const m = (l + r) >> 1;
			if (this.hi[m]! < hi || (this.hi[m] === hi && this.lo[m]! <= lo)) {
				found = m;
				l = m + 1;
			} else r = m - 1;
		}
		const text =
			found < 0 || this.hi[found] !== hi
				? `0x${address.toString(16).padStart(16, '0')}`
				: `${this.text.slice(this.nameAt[found], this.nameEnd[found])}+0x${(lo - this.lo[found]! + (hi - this.hi[found]!) * TWO_32).toString(16)}`;
		if (this.known.size > 4096) this.known.clear();
		this.known.set(address, text);
		return text;
	}
}
