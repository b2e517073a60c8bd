// One interval's view of the data: deltas between two raw samples, ready for JSON or the UI.
import { isUnavailable, type Maybe, type RawSample, type Unavailable } from '../collectors/sources.js';
import { nicDeltas, type NicDelta } from './nic.js';

export interface Sample {
	/** End of the interval, epoch ms. */
	readonly time: number;
	/** Length of the interval actually measured, seconds. */
	readonly interval: number;
	readonly nic: Maybe<readonly NicDelta[]>;
	/** Kernel-side updates lost to full maps during the interval, by collector. */
	readonly lost: Readonly<Record<string, number>>;
}

function pick<T, R>(prev: Maybe<T>, cur: Maybe<T>, f: (p: T | undefined, c: T) => R): Maybe<R> {
	if (isUnavailable(cur)) return cur as Unavailable;
	return f(isUnavailable(prev) ? undefined : prev, cur);
}

/** The interval from `prev` to `cur`. */
export function buildSample(prev: RawSample, cur: RawSample): Sample {
	const lost: Record<string, number> = {};
	const nic = pick(prev.nic, cur.nic, (p, c) => {
		const grew = c.lost - (p?.lost ?? 0);
		if (grew > 0) lost.nic = grew;
		return nicDeltas(p?.counters ?? [], c.counters);
	});
	return { time: cur.wall, interval: (cur.mono - prev.mono) / 1000, nic, lost };
}
