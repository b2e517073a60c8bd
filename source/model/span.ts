// Several reads taken one after another, stood for by one: what a replay's -i N hands the model to make one longer interval.
import type { SlotSnapshot } from './slots.js';

/**
 * Cumulative maps read one after another as one read: each key's value at
 * its last read, keys the kernel let go meanwhile kept at theirs (their
 * growth up to then is the interval's, as the shorter intervals counted it).
 */
export function unionMaps<K, V>(maps: readonly ReadonlyMap<K, V>[]): ReadonlyMap<K, V> {
	if (maps.length === 1) return maps[0]!;
	const out = new Map<K, V>();
	for (let i = maps.length - 1; i >= 0; i--) for (const [k, v] of maps[i]!) if (!out.has(k)) out.set(k, v);
	return out;
}

/** Entries of lists read one after another, by `id`: each one's last, in the last list's order, those gone before it after them. */
export function unionBy<T>(lists: readonly (readonly T[])[], id: (t: T) => string): readonly T[] {
	if (lists.length === 1) return lists[0]!;
	const seen = new Set<string>();
	const out: T[] = [];
	for (let i = lists.length - 1; i >= 0; i--) {
		for (const t of lists[i]!) {
			const k = id(t);
			if (seen.has(k)) continue;
			seen.add(k);
			out.push(t);
		}
	}
	return out;
}

/** What each read drained (events since the read before), as one read's: oldest first. */
export function joined<T>(lists: readonly (readonly T[])[]): readonly T[] {
	return lists.length === 1 ? lists[0]! : lists.flat() as readonly T[];
}

/** Where a flow's last entry is: snapshot `from`'s entry `at`. */
export interface SlotPick {
	readonly from: number;
	readonly at: number;
}

/**
 * Flows of slot snapshots read one after another: each flow's last entry
 * (a flow that closed meanwhile keeps the one that read its last bytes), in
 * ascending slots as a read gives them. A slot reused by another flow in the
 * span holds both, the older first; matchSlots pairs each with its own.
 */
export function unionSlots<F extends { readonly cookie: number; readonly pid: number }>(snaps: readonly SlotSnapshot<F>[]): SlotPick[] {
	const last = new Map<string, SlotPick>();
	for (let s = 0; s < snaps.length; s++) {
		const snap = snaps[s]!;
		for (let i = 0; i < snap.count; i++) {
			const f = snap.flows[i]!;
			last.set(`${snap.slot[i]}:${f.cookie}:${f.pid}`, { from: s, at: i });
		}
	}
	return [...last.values()].sort((a, b) => snaps[a.from]!.slot[a.at]! - snaps[b.from]!.slot[b.at]! || a.from - b.from);
}
