// Full-screen mode: the alternate screen, the Ink app, and a terminal restored on every way out.
import React from 'react';
import { render, renderToString } from 'ink';
import { terminalStyle } from './ui/frame-lines.js';
import { App } from './ui/app.js';
import { Screen } from './ui/screen.js';
import type { UiStore } from './ui/store.js';

const ENTER = '\x1b[?1049h\x1b[H\x1b[2J';
const HOME = '\x1b[H';
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
	/** The features' flags in force that the header shows: "-r connect". */
	readonly modes: readonly string[];
	readonly onQuit: () => void;
	/** The first frame is on the alternate screen already (cli.ts writes it before Ink loads): Ink draws the same over it, from the top. */
	readonly drawn?: boolean;
}

/** How the UI ends: `keepLastFrame` when nettop stops by itself (-n), leaving the last frame on the main screen as top -n does. */
export type StopTui = (options?: { keepLastFrame?: boolean }) => void;

/** Starts the UI; returns a function that unmounts it and restores the terminal. */
export function startTui(store: UiStore, options: TuiOptions): StopTui {
	// A terminal that reports no size (a serial console, script(1) fed by a pipe) is laid out at 80x24, as the
	// rest of nettop does: Ink, finding no columns, would open /dev/tty for them on every frame and never close it.
	if (process.stdout.isTTY) {
		process.stdout.columns ||= 80;
		process.stdout.rows ||= 24;
	}
	emit(options.drawn ? HOME : ENTER);
	onScreen = true;
	const { color, unicode } = terminalStyle();
	const instance = render(<App store={store} onQuit={options.onQuit} color={color} unicode={unicode} currentNetns={options.currentNetns} modes={options.modes} />, {
		exitOnCtrlC: false,
		patchConsole: false,
	});
	return ({ keepLastFrame = false } = {}) => {
		try {
			instance.unmount();
		} catch {
			/* already gone */
		}
		restoreTerminal();
		if (keepLastFrame) emit(lastFrame(store, color, unicode, options.currentNetns, options.modes));
	};
}

/** The screen as it was last drawn, without the key footer (the keys no longer work) and the blank rows under the tab's. */
function lastFrame(store: UiStore, color: boolean, unicode: boolean, currentNetns: number, modes: readonly string[]): string {
	const width = process.stdout.columns || 80;
	const height = (process.stdout.rows || 24) - 1;
	const text = renderToString(<Screen state={store.getState()} width={width} height={height} color={color} unicode={unicode} currentNetns={currentNetns} modes={modes} />, { columns: width });
	const lines = text.split('\n').slice(0, -1);
	while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
	return `${lines.join('\n')}\n`;
}
