// The root component: shows the store's state, hands it the keys, follows the terminal's size.
import React, { useEffect, useState, useSyncExternalStore } from 'react';
import { useInput, useStdout } from 'ink';
import { chrome } from './frame-lines.js';
import { Screen } from './screen.js';
import type { UiStore } from './store.js';

export interface AppProps {
	readonly store: UiStore;
	readonly onQuit: () => void;
	readonly color: boolean;
	readonly unicode: boolean;
	readonly currentNetns: number;
	/** The features' flags in force that the header shows: "-r connect". */
	readonly modes?: readonly string[];
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
	const { store } = props;
	const state = useSyncExternalStore(store.subscribe, store.getState);
	const size = useTerminalSize(props.size);
	useInput((input, key) => store.dispatch({ type: 'key', input, key }));
	useEffect(() => {
		if (state.quit) props.onQuit();
	}, [state.quit]);
	// One line short of the terminal: a full-height frame would scroll it by a line.
	const height = size.height - 1;
	// A page key moves by the rows a list shows in the body: the store is told the body's size as Screen lays it out.
	const body = chrome({ state, width: size.width, height, modes: props.modes }).height;
	useEffect(() => store.dispatch({ type: 'resize', width: size.width, height: body }), [size.width, body]);
	return <Screen state={state} width={size.width} height={height} color={props.color} unicode={props.unicode} currentNetns={props.currentNetns} modes={props.modes} />;
}
