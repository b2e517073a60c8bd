// Snapshot arrays reused read after read: tens of thousands of flows cost no new memory each interval.

/**
 * How many reads' arrays are kept. A snapshot's arrays stay valid while it is
 * among the last FRAMES reads: enough for the previous and the current read
 * and the one being made. Keep one longer with a copy (retainTcp, retainRtt).
 */
export const FRAMES = 3;

/** One set of arrays; `holder` is the snapshot whose values it holds now. */
export interface Frame {
	holder: unknown;
}

/** A snapshot that may live in a pooled frame (tests build them without one). */
export interface Framed {
	readonly frame?: Frame;
}

/** False once the snapshot's frame holds a later read. */
export function isCurrent(s: Framed): boolean {
	return s.frame === undefined || s.frame.holder === s;
}

export class FramePool<A> {
	private readonly frames: { frame: Frame; arrays: A; capacity: number }[] = [];
	private next = 0;

	constructor(private readonly make: (capacity: number) => A) {}

	/**
	 * The next frame, with room for `n` entries; whatever snapshot held it is
	 * no longer current. Stamp `frame.holder` with the new snapshot.
	 */
	take(n: number): { frame: Frame; arrays: A } {
		const i = this.next;
		this.next = (i + 1) % FRAMES;
		let f = this.frames[i];
		if (!f || f.capacity < n) {
			// A new frame: the snapshot in the old one keeps its arrays, and stays valid.
			const capacity = Math.max(n, 2 * (f?.capacity ?? 0), 1024);
			f = { frame: { holder: undefined }, arrays: this.make(capacity), capacity };
			this.frames[i] = f;
		}
		f.frame.holder = undefined;
		return f;
	}
}

/** Records in slot order with their slots: to build a snapshot from records (tests, small callers). */
export function inSlotOrder<T>(records: readonly T[], slotOf: (r: T, i: number) => number): { records: T[]; slot: Uint32Array } {
	const order = records.map((r, i) => ({ r, slot: slotOf(r, i) })).sort((a, b) => a.slot - b.slot);
	return { records: order.map((o) => o.r), slot: Uint32Array.from(order, (o) => o.slot) };
}
