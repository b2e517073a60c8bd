// The registry: every feature nettop has, in tab order. Keys, tabs, JSON keys, help and the layout test come from this list.
import type { IntervalTimes, Maybe, ReadingTimes } from '../model/reading.js';
import type { Feature, SomeFeature } from './feature.js';
import { conns } from './conns/index.js';
import { drops } from './drops/index.js';
import { latency } from './latency/index.js';
import { nic } from './nic/index.js';
import { retrans } from './retrans/index.js';
import { rtt } from './rtt/index.js';
import { tcp } from './tcp/index.js';

export const FEATURES = [nic, tcp, rtt, retrans, conns, drops, latency] as const;

/** The features as the pipeline and the outputs handle them: all alike. */
export const ALL_FEATURES: readonly SomeFeature[] = FEATURES;

type Registered = (typeof FEATURES)[number];
export type FeatureKey = Registered['key'];
type SnapshotOf<F> = F extends Feature<string, infer S, infer _V, infer _T> ? S : never;
type ViewOf<F> = F extends Feature<string, infer _S, infer V, infer _T> ? V : never;
type TabStateOf<F> = F extends Feature<string, infer _S, infer _V, infer T> ? T : never;

/** Everything read at one instant: each feature's snapshot (or why it is unavailable) under its key. */
export type Reading = ReadingTimes & { readonly [F in Registered as F['key']]: Maybe<SnapshotOf<F>> };
/** One interval, as every output gets it: each feature's view (or why it is unavailable) under its key. */
export type Sample = IntervalTimes & { readonly [F in Registered as F['key']]: Maybe<ViewOf<F>> };
/** Each tab's own state, by feature. */
export type TabStates = { readonly [F in Registered as F['key']]: TabStateOf<F> };

export const FEATURE_KEYS: readonly FeatureKey[] = FEATURES.map((f) => f.key);

/*
 * Code that handles every feature alike reads and builds these records by key;
 * these two functions are where the per-key types are taken on trust.
 */

/** A feature's snapshot in a reading, its view in a sample, its tab's state. */
export function entry(record: Reading | Sample | TabStates, key: string): unknown {
	return (record as unknown as Record<string, unknown>)[key];
}

/** A reading, a sample or the tabs' states, from values by key. */
export function keyed<R extends Reading | Sample | TabStates>(values: Record<string, unknown>): R {
	return values as unknown as R;
}
