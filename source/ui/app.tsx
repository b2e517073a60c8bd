// The root component: keeps the UI state, maps keys to actions, takes samples from the feed.
import React, { useEffect, useReducer, useState } from 'react';
import { useInput, useStdout } from 'ink';
import type { RawSample } from '../collectors/sources.js';
import type { Filter } from '../model/filter.js';
import { Screen } from './screen.js';
import { initialState, reducer, type Tab } from './state.js';

/** Where samples come from: the refresh loop outside React publishes, the app subscribes. */
export interface SampleFeed {
	subscribe(listener: (raw: RawSample) => void): () => void;
}

export interface AppProps {
	readonly feed: SampleFeed;
	readonly intervalMs: number;
	readonly filter: Filter;
	readonly tab?: Tab;
	readonly onQuit: () => void;
	readonly color: boolean;
	readonly unicode: boolean;
	readonly currentNetns: number;
	/** Fixed size (tests); otherwise the terminal's, following resizes. */
	readonly size?: { readonly width: number; readonly height: number };
}

function useTerminalSize(fixed?: { width: number; height: number }) {
	const { stdout } = useStdout();
	const read = () => fixed ?? { width: stdout.columns || 80, height: stdout.rows || 24 };
	const [size, setSize] = useState(read);
	useEffect(() => {
		if (fixed) return;
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout, fixed]);
	return size;
}

export function App(props: AppProps) {
	const [state, dispatch] = useReducer(reducer, { intervalMs: props.intervalMs, filter: props.filter, tab: props.tab }, initialState);
	const size = useTerminalSize(props.size);
	useEffect(() => props.feed.subscribe((raw) => dispatch({ type: 'sample', raw })), [props.feed]);
	useInput((input, key) => dispatch({ type: 'key', input, key }));
	useEffect(() => {
		if (state.quit) props.onQuit();
	}, [state.quit]);
	// One line short of the terminal: a full-height frame would scroll it by a line.
	return <Screen state={state} width={size.width} height={size.height - 1} color={props.color} unicode={props.unicode} currentNetns={props.currentNetns} />;
}
