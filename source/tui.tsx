// Full-screen mode: the alternate screen, the Ink app, and a terminal restored on every way out.
import React from 'react';
import { render } from 'ink';
import type { RawSample } from './collectors/sources.js';
import type { Filter } from './model/filter.js';
import { App, type SampleFeed } from './ui/app.js';
import type { Tab } from './ui/state.js';
import { unicodeLocale } from './ui/view/common.js';

/** A one-way channel from the refresh loop to the app. */
export class Feed implements SampleFeed {
	private readonly listeners = new Set<(raw: RawSample) => void>();
	private last?: RawSample;

	subscribe(listener: (raw: RawSample) => void): () => void {
		this.listeners.add(listener);
		if (this.last) listener(this.last);
		return () => this.listeners.delete(listener);
	}

	publish(raw: RawSample): void {
		this.last = raw;
		for (const l of this.listeners) l(raw);
	}
}

const ENTER = '\x1b[?1049h\x1b[H\x1b[2J';
const LEAVE = '\x1b[?25h\x1b[?1049l';

let onScreen = false;

/** Writes to the terminal, ignoring a terminal that is gone (SIGHUP: EIO). */
function emit(text: string): void {
	try {
		process.stdout.write(text);
	} catch {
		/* the terminal went away */
	}
}

/** Puts the terminal back (main screen, cursor shown); safe to call more than once. */
export function restoreTerminal(): void {
	if (!onScreen) return;
	onScreen = false;
	emit(LEAVE);
}
process.on('exit', restoreTerminal);

export interface TuiOptions {
	readonly intervalMs: number;
	readonly filter: Filter;
	readonly tab?: Tab;
	readonly currentNetns: number;
	readonly onQuit: () => void;
}

/** Starts the UI; returns a function that unmounts it and restores the terminal. */
export function startTui(feed: Feed, options: TuiOptions): () => void {
	emit(ENTER);
	onScreen = true;
	const instance = render(
		<App
			feed={feed}
			intervalMs={options.intervalMs}
			filter={options.filter}
			tab={options.tab}
			onQuit={options.onQuit}
			color={!('NO_COLOR' in process.env) || process.env.NO_COLOR === ''}
			unicode={unicodeLocale()}
			currentNetns={options.currentNetns}
		/>,
		{ exitOnCtrlC: false, patchConsole: false },
	);
	return () => {
		try {
			instance.unmount();
		} catch {
			/* already gone */
		}
		restoreTerminal();
	};
}
