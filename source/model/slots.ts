// Matches the entries of two reads of a slot table: both list their slots in ascending order.
import { requireCurrent, type Snapshot } from './reading.js';

/** A snapshot of a slot table: entry i is flows[i], in table slot slot[i] (ascending). */
export interface SlotSnapshot<F> extends Snapshot {
	readonly count: number;
	readonly slot: Uint32Array;
	readonly flows: readonly F[];
}

/**
 * For each entry i of `cur`, the index of the same flow in `prev`, or -1 (new
 * during the interval, or its slot now holds another flow). One merge pass, no hashing.
 */
export function matchSlots<F>(prev: SlotSnapshot<F> | undefined, cur: SlotSnapshot<F>, same: (a: F, b: F) => boolean): Int32Array {
	requireCurrent(cur);
	if (prev) requireCurrent(prev);
	const out = new Int32Array(cur.count).fill(-1);
	if (!prev) return out;
	for (let i = 0, j = 0; i < cur.count; i++) {
		const s = cur.slot[i]!;
		while (j < prev.count && prev.slot[j]! < s) j++;
		if (j < prev.count && prev.slot[j] === s && same(prev.flows[j]!, cur.flows[i]!)) out[i] = j;
	}
	return out;
}
