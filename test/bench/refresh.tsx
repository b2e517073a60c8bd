// One refresh with many live flows, in process: map reads, the model, and rendering the screen.
import React from 'react';
import { render } from 'ink-testing-library';
import { performance } from 'node:perf_hooks';
import { threadCpuMs } from './thread-cpu.js';
import { Collectors } from '../../source/collectors.js';
import { NO_FILTER } from '../../source/model/filter.js';
import { Pipeline } from '../../source/pipeline.js';
import { Screen } from '../../source/ui/screen.js';
import { initialState, reducer, type UiState } from '../../source/ui/state.js';
import { median } from './measure.js';

export interface Parts {
	readonly read: number;
	readonly model: number;
	readonly render: number;
	readonly total: number;
}

export interface RefreshCost {
	/** Median CPU ms of each part on the main thread, where a refresh runs, once warmed up: what it costs. */
	readonly cpu: Parts;
	/** The same over the first refreshes, while V8 still compiles the hot paths. */
	readonly first: Parts;
	/** Median wall-clock ms of each part: longer when other processes (the load itself) take the CPU meanwhile. */
	readonly wall: Parts;
	readonly flows: number;
}

const cpuMs = threadCpuMs;

function medians(read: number[], model: number[], paint: number[]): Parts {
	const [r, m, p] = [median(read), median(model), median(paint)];
	return { read: r, model: m, render: p, total: median(read.map((x, i) => x + model[i]! + paint[i]!)) };
}

/** Medians of each part of a refresh over `rounds` refreshes, `gapMs` apart, after `warmup` refreshes (their medians: `first`). */
export async function refreshCost(rounds = 10, gapMs = 200, warmup = 0): Promise<RefreshCost> {
	const sources = await Collectors.open();
	const pipeline = new Pipeline(NO_FILTER);
	const [read, model, paint]: [number[], number[], number[]] = [[], [], []];
	const [cpuRead, cpuModel, cpuPaint]: [number[], number[], number[]] = [[], [], []];
	let flows = 0;
	// The tcptop tab, every connection: the rows sorted and shown come from all of them.
	let state: UiState = reducer(initialState({ intervalMs: 1000, filter: NO_FILTER, tab: 'tcp' }), { type: 'tab-key', key: 'c' });
	pipeline.push(sources.read(performance.now(), Date.now()));
	const ui = render(<Screen state={state} width={80} height={23} color={false} unicode={false} currentNetns={0} />);
	try {
		for (let i = 0; i < warmup + rounds; i++) {
			await new Promise((r) => setTimeout(r, gapMs));
			const [t0, c0] = [performance.now(), cpuMs()];
			const raw = sources.read(performance.now(), Date.now());
			const [t1, c1] = [performance.now(), cpuMs()];
			state = reducer(state, { type: 'sample', sample: pipeline.push(raw), time: raw.wall });
			const [t2, c2] = [performance.now(), cpuMs()];
			ui.rerender(<Screen state={state} width={80} height={23} color={false} unicode={false} currentNetns={0} />);
			ui.lastFrame();
			const [t3, c3] = [performance.now(), cpuMs()];
			read.push(t1 - t0);
			model.push(t2 - t1);
			paint.push(t3 - t2);
			cpuRead.push(c1 - c0);
			cpuModel.push(c2 - c1);
			cpuPaint.push(c3 - c2);
			if (!('unavailable' in raw.tcp)) flows = raw.tcp.count;
		}
	} finally {
		ui.unmount();
		sources.close();
	}
	const [early, late] = [(xs: number[]) => xs.slice(0, warmup), (xs: number[]) => xs.slice(warmup)];
	return {
		cpu: medians(late(cpuRead), late(cpuModel), late(cpuPaint)),
		first: medians(early(cpuRead), early(cpuModel), early(cpuPaint)),
		wall: medians(late(read), late(model), late(paint)),
		flows,
	};
}
