// One interval's view of the data: deltas between two raw samples, filtered, ready for JSON or the UI.
import { isUnavailable, KEYS, type Key, type Maybe, type RawSample, type Unavailable } from '../collectors/sources.js';
import { NO_FILTER, type Filter } from './filter.js';
import { nicDeltas, type NicDelta } from './nic.js';
import { retransView, type RetransView } from './retrans.js';
import { rttView, type RttView } from './rtt.js';
import { tcpRows, type TcpRows } from './tcp.js';

export interface Sample {
	/** End of the interval, epoch ms. */
	readonly time: number;
	/** Length of the interval actually measured, seconds. */
	readonly interval: number;
	readonly nic: Maybe<readonly NicDelta[]>;
	readonly tcp: Maybe<TcpRows>;
	readonly rtt: Maybe<RttView>;
	readonly retrans: Maybe<RetransView>;
	/** Kernel-side updates lost to full maps or rings during the interval, by collector. */
	readonly lost: Readonly<Partial<Record<Key, number>>>;
}

function pick<T, R>(prev: Maybe<T>, cur: Maybe<T>, f: (p: T | undefined, c: T) => R): Maybe<R> {
	if (isUnavailable(cur)) return cur as Unavailable;
	return f(isUnavailable(prev) ? undefined : prev, cur);
}

/** The interval from `prev` to `cur`; `filter` applies to the TCP outputs. */
export function buildSample(prev: RawSample, cur: RawSample, filter: Filter = NO_FILTER): Sample {
	const lost: Partial<Record<Key, number>> = {};
	for (const key of KEYS) {
		const p = prev[key];
		const c = cur[key];
		if (isUnavailable(c)) continue;
		const grew = c.lost - (isUnavailable(p) ? 0 : p.lost);
		if (grew > 0) lost[key] = grew;
	}
	return {
		time: cur.wall,
		interval: (cur.mono - prev.mono) / 1000,
		nic: pick(prev.nic, cur.nic, (p, c) => nicDeltas(p?.counters ?? [], c.counters)),
		tcp: pick(prev.tcp, cur.tcp, (p, c) => tcpRows(p, c, filter)),
		rtt: pick(prev.rtt, cur.rtt, (p, c) => rttView(p, c, filter, c.unit)),
		retrans: pick(prev.retrans, cur.retrans, (_p, c) => retransView(c.events, filter)),
		lost,
	};
}
