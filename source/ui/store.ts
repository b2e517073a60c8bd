// The UI's state outside React: readings through the pipeline, every action through the reducer in order, and the pipeline told the filter and pause at once.
import type { FeatureKey, Reading, TabStates } from '../features/index.js';
import type { Filter } from '../model/filter.js';
import type { Pipeline } from '../pipeline.js';
import type { Recording } from '../recording/recording.js';
import { initialState, reducer, type Action, type UiState } from './state.js';

/** Intervals a jump in a replay runs through before the one it shows: the tabs' history (sparklines) fills as it did live. */
const WARM_UP = 60;

export interface StoreOptions {
	readonly intervalMs: number;
	readonly filter: Filter;
	readonly tab?: FeatureKey;
	/** Told the tab shown and the tabs' states whenever either changes: collectors that run on demand follow them. */
	readonly onShow?: (tab: FeatureKey, tabs: TabStates) => void;
	/** A recording to replay instead of readings published: the state's replay position picks its interval. */
	readonly replay?: Recording;
}

/**
 * The pipeline follows the state synchronously, action by action: a key that
 * pauses, resumes or filters reaches it before the next reading does, however
 * React batches its renders.
 */
export class UiStore {
	private state: UiState;
	private readonly listeners = new Set<() => void>();

	constructor(
		private readonly pipeline: Pipeline,
		private readonly options: StoreOptions,
	) {
		const rec = options.replay;
		const replay = rec && rec.intervals.length > 0 ? { at: 0, count: rec.intervals.length, playing: false, host: rec.headers[0]!.host, first: rec.wallAt(0), last: rec.wallAt(rec.length - 1) } : undefined;
		this.state = initialState({ intervalMs: options.intervalMs, filter: options.filter, tab: options.tab, replay });
		this.pipeline.refilter(this.state.filter);
		if (replay) this.state = this.replayed(this.state, undefined);
	}

	readonly getState = (): UiState => this.state;

	/** Calls `listener` after every change of state (React's useSyncExternalStore). */
	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	};

	/** A new reading from the refresh loop: the interval it closes (none for the first; nothing new while paused). */
	publish(reading: Reading): void {
		this.dispatch({ type: 'sample', sample: this.pipeline.push(reading), time: reading.wall });
	}

	/**
	 * The replay's interval `state.replay.at` shown: the reading after the one
	 * shown last goes through the pipeline as live; any other is a jump, which
	 * starts the pipeline over WARM_UP intervals before (within its run).
	 */
	private replayed(state: UiState, was: number | undefined): UiState {
		const rec = this.options.replay!;
		const k = rec.intervals[state.replay!.at]!;
		let from = k;
		if (was === undefined || rec.intervals[was] !== k - 1) {
			this.pipeline.reset();
			from = Math.max(rec.runStart(k), k - WARM_UP);
		}
		let s = state;
		for (let j = from; j <= k; j++) s = reducer(s, { type: 'sample', sample: this.pipeline.push(rec.reading(j)), time: rec.wallAt(j) });
		return s;
	}

	readonly dispatch = (action: Action): void => {
		const before = this.state;
		let next = reducer(before, action);
		if (next.paused !== before.paused) this.pipeline.hold(next.paused);
		if (next.replay && next.replay.at !== before.replay?.at) next = this.replayed(next, before.replay?.at);
		if (next.filter !== before.filter) {
			// The shown interval, made again with the new filter (the held copies while paused).
			const sample = this.pipeline.refilter(next.filter);
			if (sample) next = reducer(next, { type: 'refiltered', sample });
		}
		if (next === before) return;
		this.state = next;
		if (next.tab !== before.tab || next.tabs !== before.tabs) this.options.onShow?.(next.tab, next.tabs);
		for (const l of this.listeners) l();
	};
}
