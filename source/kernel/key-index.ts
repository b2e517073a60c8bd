// Values kept per BPF map key across reads, found by a hash of the key's words: no string made of each key at each read.

interface Slot<T> {
	readonly words: Uint32Array;
	readonly value: T;
	/** The next slot of the same hash. */
	next: Slot<T> | undefined;
	/** The slot whose key came next in the last read that found this one. */
	after: Slot<T> | undefined;
	/** Let go by retain(). */
	gone: boolean;
}

/**
 * Values by the bytes of a map's keys (a multiple of 4 bytes long), as a
 * read lays them out one after another. A churn leaves tens of thousands
 * of keys in a table read every interval: a hex string of each key and a
 * Map lookup by it cost 15 ms a read at 16,384 keys, a hash of its words
 * and a lookup by number 1 ms (docs/performance.md). Keys whose hashes
 * collide are chained and told apart by their words.
 */
export class KeyIndex<T> {
	private readonly byHash = new Map<number, Slot<T>>();
	/** The slot found for the key before, in the read under way. */
	private previous: Slot<T> | undefined;

	constructor(private readonly keySize: number) {
		if (keySize % 4 !== 0) throw new Error(`KeyIndex: keys of ${keySize} bytes, not whole words`);
	}

	/**
	 * The value kept for key `i` of a read's keys (keyWords), or undefined.
	 * A map's reads list its keys in about the same order each time (a hash
	 * map's buckets, in turn): the key after the one found before is tried
	 * first, then the hash. Keys looked up in increasing `i`, from 0 at each read.
	 */
	get(w: Uint32Array, i: number): T | undefined {
		const at = (i * this.keySize) >> 2;
		const previous = i === 0 ? undefined : this.previous;
		const expected = previous?.after;
		let found: Slot<T> | undefined;
		if (expected && !expected.gone && same(expected.words, w, at)) found = expected;
		else {
			for (let s = this.byHash.get(hash(w, at, this.keySize >> 2)); s; s = s.next) {
				if (!same(s.words, w, at)) continue;
				found = s;
				if (previous) previous.after = s;
				break;
			}
		}
		this.previous = found;
		return found?.value;
	}

	/** Keeps `value` for key `i` of a read's keys (a copy of its words), which must not have one yet. */
	add(w: Uint32Array, i: number, value: T): void {
		const at = (i * this.keySize) >> 2;
		const h = hash(w, at, this.keySize >> 2);
		this.byHash.set(h, { words: w.slice(at, at + (this.keySize >> 2)), value, next: this.byHash.get(h), after: undefined, gone: false });
	}

	/** Keeps only the values `keep` says yes to. */
	retain(keep: (value: T) => boolean): void {
		for (const [h, first] of this.byHash) {
			let head: Slot<T> | undefined;
			let tail: Slot<T> | undefined;
			for (let s: Slot<T> | undefined = first; s; s = s.next) {
				if (!keep(s.value)) {
					s.gone = true;
					continue;
				}
				if (tail) tail.next = s;
				else head = s;
				tail = s;
			}
			if (!head) this.byHash.delete(h);
			else if (head !== first || tail!.next) {
				tail!.next = undefined;
				this.byHash.set(h, head);
			}
		}
	}
}

/** A read's keys as host-order words: a view of the same memory (a map's read buffers are word-aligned), else a copy. */
export function keyWords(keys: Buffer): Uint32Array {
	return keys.byteOffset % 4 === 0 ? new Uint32Array(keys.buffer, keys.byteOffset, keys.length >> 2) : new Uint32Array(Uint8Array.from(keys).buffer, 0, keys.length >> 2);
}

/** FNV-1a over `n` words from `at`, as a positive small integer (a Map's fastest keys). */
function hash(w: Uint32Array, at: number, n: number): number {
	let h = 0x811c9dc5;
	for (let j = 0; j < n; j++) h = Math.imul(h ^ w[at + j]!, 0x01000193);
	return h >>> 2;
}

function same(a: Uint32Array, w: Uint32Array, at: number): boolean {
	for (let j = 0; j < a.length; j++) if (a[j] !== w[at + j]) return false;
	return true;
}
