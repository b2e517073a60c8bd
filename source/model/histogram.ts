// log2 histograms: slot i counts values in [2^i, 2^(i+1)), slot 0 also 0. Sums, buckets, percentiles.

/** A distribution as every output writes it: how many, their total, average and percentiles (one unit). */
export interface Distribution {
	readonly count: number;
	readonly sum: number;
	readonly avg: number;
	readonly p50: number;
	readonly p90: number;
	readonly p99: number;
}

export interface Bucket {
	readonly lo: number;
	readonly hi: number;
	readonly count: number;
}

/** The inclusive value range of slot i, as tcprtt prints it: 0 -> 1, 2 -> 3, 4 -> 7, ... */
export function slotRange(i: number): { lo: number; hi: number } {
	return i === 0 ? { lo: 0, hi: 1 } : { lo: 2 ** i, hi: 2 ** (i + 1) - 1 };
}

/** Slots from 0 to the highest non-empty one, with their ranges. */
export function buckets(slots: ArrayLike<number>): Bucket[] {
	let last = slots.length - 1;
	while (last >= 0 && slots[last] === 0) last--;
	const out: Bucket[] = [];
	for (let i = 0; i <= last; i++) out.push({ ...slotRange(i), count: slots[i]! });
	return out;
}

/**
 * The values below which the shares `shares` (ascending, 0..1) of the samples
 * lie, each estimated by linear interpolation inside the slot where its rank
 * falls; all 0 when empty. One pass over the slots; a caller that knows the
 * slots outside [lo, end) are 0 can say so, and they are skipped. Written
 * into `out` (one per share) when given: once per flow, that is no array per flow.
 */
export function percentiles<T extends number[] | Float64Array = number[]>(slots: ArrayLike<number>, shares: readonly number[], lo = 0, end = slots.length, out?: T): T {
	let total = 0;
	for (let i = lo; i < end; i++) total += slots[i]!;
	out ??= new Array<number>(shares.length) as T;
	out.fill(0);
	if (total === 0) return out;
	let below = 0;
	let k = 0;
	for (let i = lo; i < end && k < shares.length; i++) {
		const n = slots[i]!;
		while (n > 0 && k < shares.length && below + n >= shares[k]! * total) {
			const lo = i === 0 ? 0 : 2 ** i;
			const width = i === 0 ? 2 : 2 ** i;
			out[k] = lo + ((shares[k]! * total - below) / n) * width;
			k++;
		}
		below += n;
	}
	for (; k < shares.length; k++) out[k] = slotRange(slots.length - 1).hi;
	return out;
}
