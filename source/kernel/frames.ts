// Snapshot arrays reused read after read (tens of thousands of flows cost no new memory each interval), and grown when they must.
import type { Frame } from '../model/reading.js';

/**
 * How many reads' arrays are kept. A snapshot's arrays stay valid while it is
 * among the last FRAMES reads: enough for the previous and the current read
 * and the one being made. Keep one longer with a copy (each feature's retain()).
 */
export const FRAMES = 3;

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

type Grows = Float64Array | Uint32Array | Uint8Array;

/** A copy of `a` with room for `size` elements, the new ones zero. */
export function enlarged<A extends Grows>(a: A, size: number): A {
	const b = new (a.constructor as new (n: number) => A)(size);
	b.set(a);
	return b;
}
