// The rolling event lists the tabs keep: the newest `max` events, newest first, so a burst stays in view after its interval.

/** The recent events after a read of `events` (oldest first), given those before it (newest first). */
export function keepRecent<T>(before: readonly T[], events: readonly T[], max: number): T[] {
	return [...events.slice(-max).reverse(), ...before].slice(0, max);
}
