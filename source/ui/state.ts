// The UI's state and its pure reducer: tabs, filters typed in place, sort, pause, history.
import type { RetransEvent } from '../collectors/retrans.js';
import type { RawSample } from '../collectors/sources.js';
import { isFresh, isUnavailable, retainSample } from '../collectors/sources.js';
import type { Filter } from '../model/filter.js';
import { nicInterfaces } from '../model/nic.js';
import { buildSample, type Sample } from '../model/sample.js';
import { numberList, UsageError } from '../options.js';
import type { Key } from 'ink';
import { keyToAction } from './keys.js';

import { TABS, type Tab } from './tabs.js';

export { TABS, TAB_TITLES, type Tab } from './tabs.js';

/** What 's' cycles through, per tab; the first is the default. */
export const SORTS: Record<Tab, readonly string[]> = {
	nic: ['total', 'tx', 'rx', 'name'],
	tcp: ['total', 'tx', 'rx', 'pid'],
	rtt: ['count', 'p99', 'avg'],
	retrans: ['segs', 'count'],
};

export interface Prompt {
	readonly kind: 'pid' | 'port';
	readonly text: string;
	/** Set when `text` does not parse; the filter keeps its last good value. */
	readonly error?: string;
	/** The filter before the prompt opened, restored by Esc. */
	readonly before: Filter;
}

export const HISTORY = 30;
export const EVENT_LOG = 500;

export interface UiState {
	readonly tab: Tab;
	readonly filter: Filter;
	readonly prompt?: Prompt;
	readonly sort: Readonly<Record<Tab, number>>;
	readonly paused: boolean;
	readonly help: boolean;
	/** tcptop: processes, or every connection. */
	readonly connections: boolean;
	/** RTT: the overall histogram, or per remote address. */
	readonly byAddress: boolean;
	readonly intervalMs: number;
	readonly prev?: RawSample;
	readonly cur?: RawSample;
	/** The interval between prev and cur, with the current filter. */
	readonly sample?: Sample;
	/** Per interface ("netns:ifindex"): bytes/s of the last HISTORY intervals, oldest first. */
	readonly history: ReadonlyMap<string, readonly number[]>;
	/** Recent retransmits, newest first, unfiltered (the filter applies when shown). */
	readonly events: readonly RetransEvent[];
	/** q or Ctrl-C was pressed: the app tells its owner. */
	readonly quit: boolean;
}

export function initialState(options: { intervalMs: number; filter: Filter; tab?: Tab }): UiState {
	return {
		tab: options.tab ?? 'nic',
		filter: options.filter,
		sort: { nic: 0, tcp: 0, rtt: 0, retrans: 0 },
		paused: false,
		help: false,
		connections: false,
		byAddress: false,
		intervalMs: options.intervalMs,
		history: new Map(),
		events: [],
		quit: false,
	};
}

export type Action =
	| { type: 'sample'; raw: RawSample }
	| { type: 'tab'; tab: Tab }
	| { type: 'tab-step'; by: 1 | -1 }
	| { type: 'prompt'; kind: 'pid' | 'port' }
	| { type: 'prompt-type'; char: string }
	| { type: 'prompt-erase' }
	| { type: 'prompt-done' }
	| { type: 'escape' }
	| { type: 'sort' }
	| { type: 'pause' }
	| { type: 'help' }
	| { type: 'connections' }
	| { type: 'by-address' }
	/** A key press, mapped here (not in the component) so it always sees the latest state. */
	| { type: 'key'; input: string; key: Partial<Key> };

export function reducer(state: UiState, action: Action): UiState {
	switch (action.type) {
		case 'key': {
			// Keys typed fast or pasted arrive as one chunk ("P7501"): take them one by one.
			if (action.input.length > 1 && !action.key.ctrl && !action.key.meta) {
				return [...action.input].reduce((s, input) => reducer(s, { type: 'key', input, key: {} }), state);
			}
			const next = keyToAction(action.input, action.key, state.prompt !== undefined);
			if (!next) return state;
			return next.type === 'quit' ? { ...state, quit: true } : reducer(state, next);
		}
		case 'sample':
			return onSample(state, action.raw);
		case 'tab':
			return { ...state, tab: action.tab, help: false };
		case 'tab-step': {
			const i = (TABS.indexOf(state.tab) + action.by + TABS.length) % TABS.length;
			return { ...state, tab: TABS[i]!, help: false };
		}
		case 'prompt':
			return { ...state, help: false, prompt: { kind: action.kind, text: promptText(state.filter, action.kind), before: state.filter } };
		case 'prompt-type':
			return state.prompt ? typed(state, state.prompt.text + action.char) : state;
		case 'prompt-erase':
			return state.prompt ? typed(state, state.prompt.text.slice(0, -1)) : state;
		case 'prompt-done':
			return state.prompt?.error ? state : { ...state, prompt: undefined };
		case 'escape':
			if (state.prompt) return withFilter({ ...state, prompt: undefined }, state.prompt.before);
			if (state.help) return { ...state, help: false };
			return withFilter(state, { pids: new Set(), ports: new Set(), family: state.filter.family });
		case 'sort':
			return { ...state, sort: { ...state.sort, [state.tab]: (state.sort[state.tab] + 1) % SORTS[state.tab].length } };
		case 'pause':
			// Paused, the shown interval must outlive the reads that go on: keep copies.
			return state.paused
				? { ...state, paused: false }
				: { ...state, paused: true, prev: state.prev && retainSample(state.prev), cur: state.cur && retainSample(state.cur) };
		case 'help':
			return { ...state, help: !state.help };
		case 'connections':
			return { ...state, connections: !state.connections };
		case 'by-address':
			return { ...state, byAddress: !state.byAddress };
	}
}

/** The current sort key of the current tab. */
export function sortKey(state: UiState, tab: Tab = state.tab): string {
	return SORTS[tab][state.sort[tab]]!;
}

function promptText(filter: Filter, kind: 'pid' | 'port'): string {
	return [...(kind === 'pid' ? filter.pids : filter.ports)].join(',');
}

/** Applies the prompt's text at once when it parses (an empty text clears that filter). */
function typed(state: UiState, text: string): UiState {
	const prompt = state.prompt!;
	try {
		const values = text === '' ? new Set<number>() : prompt.kind === 'pid' ? numberList(text, 'PID', 'process IDs', 1, 2 ** 22) : numberList(text, 'port', 'ports', 1, 65535);
		const filter = prompt.kind === 'pid' ? { ...state.filter, pids: values } : { ...state.filter, ports: values };
		return withFilter({ ...state, prompt: { ...prompt, text, error: undefined } }, filter);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		return { ...state, prompt: { ...prompt, text, error: text.endsWith(',') ? undefined : error.message } };
	}
}

/** A new filter applies at once: the shown interval is rebuilt from the raw samples kept. */
function withFilter(state: UiState, filter: Filter): UiState {
	const sample = state.prev && state.cur && isFresh(state.prev) && isFresh(state.cur) ? buildSample(state.prev, state.cur, filter) : state.sample;
	return { ...state, filter, sample };
}

function onSample(state: UiState, raw: RawSample): UiState {
	if (state.paused) return state;
	// A previous read whose arrays were reused meanwhile (the UI fell behind): start over from this one.
	if (!state.cur || !isFresh(state.cur)) return { ...state, prev: undefined, cur: raw };
	const sample = buildSample(state.cur, raw, state.filter);
	return {
		...state,
		prev: state.cur,
		cur: raw,
		sample,
		history: nextHistory(state.history, sample),
		events: isUnavailable(raw.retrans) ? state.events : [...[...raw.retrans.events].reverse(), ...state.events].slice(0, EVENT_LOG),
	};
}

function nextHistory(history: ReadonlyMap<string, readonly number[]>, sample: Sample): ReadonlyMap<string, readonly number[]> {
	if (isUnavailable(sample.nic)) return history;
	const next = new Map<string, readonly number[]>();
	for (const nic of nicInterfaces(sample.nic)) {
		const id = `${nic.netns}:${nic.ifindex}`;
		const rate = sample.interval > 0 ? (nic.tx_bytes + nic.rx_bytes) / sample.interval : 0;
		next.set(id, [...(history.get(id) ?? []), rate].slice(-HISTORY));
	}
	return next;
}
