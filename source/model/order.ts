// Sorting tens of thousands of rows a refresh: a native numeric sort instead of a comparator where the keys allow.

const SPAN = 2 ** 21; // rows per sort the packed keys can tell apart

/**
 * `rows` by key descending, rows with equal keys in their order (as a stable
 * sort). Keys that are integers below 2^32 (bytes or samples in an interval)
 * are packed with the row's index into one exact double and sorted natively.
 */
export function byKeyDescending<T>(rows: readonly T[], key: (row: T) => number): T[] {
	const order = indexesByKeyDescending(rows.length, (i) => key(rows[i]!));
	const out = new Array<T>(order.length);
	for (let i = 0; i < order.length; i++) out[i] = rows[order[i]!]!;
	return out;
}

/** The indexes 0..n-1 by key(index) descending, equal keys in index order: byKeyDescending of the indexes, without making them first. */
export function indexesByKeyDescending(n: number, key: (i: number) => number): number[] {
	const fallback = () => Array.from({ length: n }, (_, i) => i).sort((a, b) => key(b) - key(a));
	if (n >= SPAN) return fallback();
	const packed = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const k = key(i);
		if (!(k >= 0 && k < 2 ** 32 && Number.isInteger(k))) return fallback();
		packed[i] = k * SPAN + (SPAN - 1 - i);
	}
	packed.sort();
	const out = new Array<number>(n);
	for (let i = 0; i < n; i++) out[i] = SPAN - 1 - (packed[n - 1 - i]! % SPAN);
	return out;
}
