// The UI's state outside React: readings through the pipeline, every action through the reducer in order, and the pipeline told the filter and pause at once.
import type { FeatureKey, Reading, TabStates } from '../features/index.js';
import type { Filter } from '../model/filter.js';
import type { Pipeline } from '../pipeline.js';
import { initialState, reducer, type Action, type UiState } from './state.js';

export interface StoreOptions {
	readonly intervalMs: number;
	readonly filter: Filter;
	readonly tab?: FeatureKey;
	/** Told the tab shown and the tabs' states whenever either changes: collectors that run on demand follow them. */
	readonly onShow?: (tab: FeatureKey, tabs: TabStates) => void;
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
		this.state = initialState(options);
		this.pipeline.refilter(this.state.filter);
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

	readonly dispatch = (action: Action): void => {
		const before = this.state;
		let next = reducer(before, action);
		if (next.paused !== before.paused) this.pipeline.hold(next.paused);
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
