// Deltas of monotonic kernel counters, with resets, and per-second rates.

/**
 * How much a monotonic counter grew from `prev` to `cur`. No previous value
 * means the counter appeared during the interval, so all of it is new; a value
 * that went down means the counter was reset (its map entry was recreated), so
 * everything since the reset is `cur`.
 */
export function counterDelta(prev: number | undefined, cur: number): number {
	if (prev === undefined || cur < prev) return cur;
	return cur - prev;
}

/** `delta` per second over `seconds`; 0 for an empty interval. */
export function perSecond(delta: number, seconds: number): number {
	return seconds > 0 ? delta / seconds : 0;
}

/** Mean size of a packet; 0 when there were no packets. */
export function averageSize(bytes: number, packets: number): number {
	return packets > 0 ? bytes / packets : 0;
}
