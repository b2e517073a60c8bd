// One refresh with many live flows, in process: map reads, the model, and rendering the screen.
import React from 'react';
import { render } from 'ink-testing-library';
import { performance } from 'node:perf_hooks';
import { Sources } from '../../source/collectors/sources.js';
import { NO_FILTER } from '../../source/model/filter.js';
import { Screen } from '../../source/ui/screen.js';
import { initialState, reducer, type UiState } from '../../source/ui/state.js';
import { median } from './measure.js';

export interface RefreshCost {
	readonly read: number;
	readonly model: number;
	readonly render: number;
	readonly total: number;
	readonly flows: number;
}

/** Median ms of each part of a refresh over `rounds` refreshes, `gapMs` apart. */
export async function refreshCost(rounds = 10, gapMs = 200): Promise<RefreshCost> {
	const sources = new Sources();
	const read: number[] = [];
	const model: number[] = [];
	const paint: number[] = [];
	let flows = 0;
	let state: UiState = initialState({ intervalMs: 1000, filter: NO_FILTER, tab: 'tcp' });
	state = reducer(state, { type: 'sample', raw: sources.read(performance.now(), Date.now()) });
	const ui = render(<Screen state={state} width={80} height={23} color={false} unicode={false} currentNetns={0} />);
	try {
		for (let i = 0; i < rounds; i++) {
			await new Promise((r) => setTimeout(r, gapMs));
			const t0 = performance.now();
			const raw = sources.read(performance.now(), Date.now());
			const t1 = performance.now();
			state = reducer({ ...state, connections: true }, { type: 'sample', raw });
			const t2 = performance.now();
			ui.rerender(<Screen state={state} width={80} height={23} color={false} unicode={false} currentNetns={0} />);
			ui.lastFrame();
			const t3 = performance.now();
			read.push(t1 - t0);
			model.push(t2 - t1);
			paint.push(t3 - t2);
			if (!('unavailable' in raw.tcp)) flows = raw.tcp.count;
		}
	} finally {
		ui.unmount();
		sources.close();
	}
	const [r, m, p] = [median(read), median(model), median(paint)];
	return { read: r, model: m, render: p, total: r + m + p, flows };
}
