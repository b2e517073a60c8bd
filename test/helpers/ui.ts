// The UI without React: a store over a pipeline, with shorthands to feed it readings and actions.
import type { FeatureKey, Reading } from '../../source/features/index.js';
import { NO_FILTER, type Filter } from '../../source/model/filter.js';
import { Pipeline } from '../../source/pipeline.js';
import type { Action, UiState } from '../../source/ui/state.js';
import { UiStore, type StoreOptions } from '../../source/ui/store.js';

export class TestStore extends UiStore {
	constructor(options: { intervalMs?: number; filter?: Filter; tab?: FeatureKey; onShow?: StoreOptions['onShow'] } = {}) {
		const filter = options.filter ?? NO_FILTER;
		super(new Pipeline(filter), { intervalMs: options.intervalMs ?? 1000, filter, tab: options.tab, onShow: options.onShow });
	}

	/** Actions as the app dispatches them. */
	act(...actions: Action[]): UiState {
		for (const action of actions) this.dispatch(action);
		return this.getState();
	}

	/** Readings from the refresh loop. */
	read(...readings: Reading[]): UiState {
		for (const reading of readings) this.publish(reading);
		return this.getState();
	}
}
