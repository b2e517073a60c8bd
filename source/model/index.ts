// A Map from records by key, built once per read instead of once per use.

const cache = new WeakMap<readonly object[], Map<unknown, unknown>>();

/**
 * The records of `rows` by `key`. The same (immutable) array gets the same
 * Map back, so a sample indexed as "current" is not indexed again as "previous".
 */
export function indexBy<T extends object, K>(rows: readonly T[], key: (row: T) => K): ReadonlyMap<K, T> {
	let map = cache.get(rows) as Map<K, T> | undefined;
	if (!map) {
		map = new Map();
		for (const row of rows) map.set(key(row), row);
		cache.set(rows, map as Map<unknown, unknown>);
	}
	return map;
}
