// Kernel addresses to function names (/proc/kallsyms), resolved in batches as they are first seen: no table of every symbol kept.
import { readFileSync } from 'node:fs';

/** "ffffffff81234567" for an address: kallsyms' own spelling, which compares as the numbers do. */
const hex = (address: bigint) => address.toString(16).padStart(16, '0');

/**
 * The symbol an address falls in, as `function+0x1c`. Each batch of new
 * addresses costs one pass over /proc/kallsyms; the names found are kept.
 * Addresses the kernel hides (kptr_restrict, not root) stay as hex.
 */
export class Kallsyms {
	private readonly known = new Map<bigint, string>();

	constructor(private readonly file = '/proc/kallsyms') {}

	/** Resolves the addresses not yet known, in one pass. */
	resolve(addresses: Iterable<bigint>): void {
		const wanted = [...new Set(addresses)].filter((a) => a !== 0n && !this.known.has(a));
		if (wanted.length === 0) return;
		const targets = wanted.map(hex);
		const best: { at: string; name: string }[] = targets.map(() => ({ at: '', name: '' }));
		let text = '';
		try {
			text = readFileSync(this.file, 'utf8');
		} catch {
			/* unreadable: hex below */
		}
		for (let start = 0; start < text.length; ) {
			let end = text.indexOf('\n', start);
			if (end < 0) end = text.length;
			// "ffffffff81000000 T _stext [module]": text symbols only.
			const kind = text[start + 17];
			if (kind === 't' || kind === 'T') {
				const at = text.slice(start, start + 16);
				for (let i = 0; i < targets.length; i++) {
					if (at <= targets[i]! && at > best[i]!.at && at !== '0000000000000000') {
						const nameEnd = text.indexOf(' ', start + 19);
						best[i] = { at, name: text.slice(start + 19, nameEnd < 0 || nameEnd > end ? end : nameEnd) };
					}
				}
			}
			start = end + 1;
		}
		wanted.forEach((address, i) => {
			const b = best[i]!;
			this.known.set(address, b.name ? `${b.name}+0x${(address - BigInt(`0x${b.at}`)).toString(16)}` : `0x${hex(address)}`);
		});
	}

	/** The name of a resolved address (resolve() it first); 0 is "-". */
	name(address: bigint): string {
		return address === 0n ? '-' : (this.known.get(address) ?? `0x${hex(address)}`);
	}
}
