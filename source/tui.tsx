// Full-screen mode: the alternate screen, the Ink app, and a terminal restored on every way out.
import React from 'react';
import { render } from 'ink';
import { unicodeLocale } from './format/lines.js';
import { App } from './ui/app.js';
import type { UiStore } from './ui/store.js';

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
function restoreTerminal(): void {
	if (!onScreen) return;
	onScreen = false;
	emit(LEAVE);
}
process.on('exit', restoreTerminal);

export interface TuiOptions {
	readonly currentNetns: number;
	readonly onQuit: () => void;
}

/** Starts the UI; returns a function that unmounts it and restores the terminal. */
export function startTui(store: UiStore, options: TuiOptions): () => void {
	emit(ENTER);
	onScreen = true;
	const instance = render(
		<App
			store={store}
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
