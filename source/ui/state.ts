// The UI's state and its pure reducer: tabs, filters typed in place, sort, pause, each tab's own state; samples come in whole.
import type { Key } from 'ink';
import { ALL_FEATURES, entry, FEATURE_KEYS, keyed, type FeatureKey, type Sample, type TabStates } from '../features/index.js';
import type { Owner, SomeFeature, TabList } from '../features/feature.js';
import { isUnavailable, type Maybe } from '../model/reading.js';
import { numberList, PID_MAX, UsageError, type Filter } from '../model/filter.js';
import { keyAction, pressesOf, type KeyAction, type Move, type PromptKind } from './keys.js';
import { drillRows } from './drill.js';

export interface Prompt {
	readonly kind: PromptKind;
	readonly text: string;
	/** Set when `text` does not parse; the filter keeps its last good value. */
	readonly error?: string;
	/** Set when the last key was one the prompt does not take; cleared by the next edit. */
	readonly notice?: string;
	/** The filter before the prompt opened, restored by Esc. */
	readonly before: Filter;
}

export interface UiState {
	readonly tab: FeatureKey;
	/** What the pipeline filters by: the store hands it every change (ui/store.ts). */
	readonly filter: Filter;
	readonly prompt?: Prompt;
	/** Per tab: the index of its sort in its `sorts`. */
	readonly sort: Readonly<Record<FeatureKey, number>>;
	readonly tabs: TabStates;
	/** The app holds the pipeline's shown interval while paused. */
	readonly paused: boolean;
	readonly help: boolean;
	/** The page of the help shown (a short screen needs more than one). */
	readonly helpPage: number;
	readonly intervalMs: number;
	/** Wall time of the last reading (epoch ms). */
	readonly time?: number;
	/** The interval shown. */
	readonly sample?: Sample;
	/** q or Ctrl-C was pressed: the app tells its owner. */
	readonly quit: boolean;
	/** Per tab, the selected row of its list; none until a key selects one. */
	readonly cursor: Readonly<Partial<Record<FeatureKey, number>>>;
	/** The process whose connections Enter opened (Esc closes), and the row selected there. */
	readonly drill?: { readonly owner: Owner; readonly cursor?: number };
	/** Rows a page key moves: the screen's body (the app says when it changes). */
	readonly pageRows: number;
}

const byKey = <T>(value: (f: SomeFeature) => T) => Object.fromEntries(ALL_FEATURES.map((f) => [f.key, value(f)]));

export function initialState(options: { intervalMs: number; filter: Filter; tab?: FeatureKey }): UiState {
	return {
		tab: options.tab ?? FEATURE_KEYS[0]!,
		filter: options.filter,
		sort: byKey(() => 0) as Record<FeatureKey, number>,
		tabs: keyed<TabStates>(byKey((f) => f.tab.initial)),
		paused: false,
		help: false,
		helpPage: 0,
		intervalMs: options.intervalMs,
		quit: false,
		cursor: {},
		pageRows: 10,
	};
}

export type Action =
	/** A new reading: the interval it closes (undefined for the first), and its wall time. */
	| { type: 'sample'; sample: Sample | undefined; time: number }
	/** The shown interval, made again with the filter just set. */
	| { type: 'refiltered'; sample: Sample }
	| KeyAction
	/** A key press, mapped here (not in the component) so it always sees the latest state. */
	| { type: 'key'; input: string; key: Partial<Key> }
	/** The rows of the screen's body, for the page keys. */
	| { type: 'resize'; rows: number };

const featureOf = (key: FeatureKey): SomeFeature => ALL_FEATURES.find((f) => f.key === key)!;

export function reducer(state: UiState, action: Action): UiState {
	switch (action.type) {
		case 'key': {
			// Keys typed fast, pasted or bundled by a slow link arrive as one chunk ("P7501\r"): each one, in order.
			return pressesOf(action).reduce((s, press) => {
				const next = keyAction(press, s.prompt?.kind);
				return next ? reducer(s, next) : s;
			}, state);
		}
		case 'sample':
			return state.paused ? state : onSample(state, action.sample, action.time);
		case 'refiltered':
			return { ...state, sample: action.sample };
		case 'quit':
			return { ...state, quit: true };
		case 'tab':
			return { ...state, tab: action.tab, help: false, drill: undefined };
		case 'tab-step': {
			const i = (FEATURE_KEYS.indexOf(state.tab) + action.by + FEATURE_KEYS.length) % FEATURE_KEYS.length;
			return { ...state, tab: FEATURE_KEYS[i]!, help: false, drill: undefined };
		}
		case 'tab-key': {
			const binding = featureOf(state.tab).tab.keys.find((k) => k.key === action.key);
			if (!binding || state.drill) return state;
			// Another list: its selection starts over.
			return { ...state, tabs: { ...state.tabs, [state.tab]: binding.apply(entry(state.tabs, state.tab)) }, cursor: { ...state.cursor, [state.tab]: undefined } };
		}
		case 'move': {
			if (state.help) return { ...state, helpPage: Math.max(0, state.helpPage + (action.to === 'up' || action.to === 'page-up' ? -1 : action.to === 'home' ? -state.helpPage : 1)) };
			if (state.drill) return { ...state, drill: { ...state.drill, cursor: moved(state.drill.cursor, action.to, drillRows(state.sample, state.drill.owner).length, state.pageRows) } };
			const n = currentList(state)?.length ?? 0;
			return n === 0 ? state : { ...state, cursor: { ...state.cursor, [state.tab]: moved(state.cursor[state.tab], action.to, n, state.pageRows) } };
		}
		case 'enter': {
			if (state.help || state.drill) return state;
			const owner = currentList(state)?.owner(state.cursor[state.tab] ?? 0);
			return owner ? { ...state, drill: { owner: { pid: owner.pid, comm: owner.comm } } } : state;
		}
		case 'resize':
			return action.rows === state.pageRows ? state : { ...state, pageRows: Math.max(1, action.rows) };
		case 'prompt':
			return { ...state, help: false, prompt: { kind: action.kind, text: promptText(state.filter, action.kind), before: state.filter } };
		case 'prompt-type':
			return state.prompt ? promptEdited(state, state.prompt.text + action.char) : state;
		case 'prompt-reject':
			return state.prompt ? { ...state, prompt: { ...state.prompt, notice: `"${action.char}" left out: digits and commas only` } } : state;
		case 'prompt-erase':
			return state.prompt ? promptEdited(state, state.prompt.text.slice(0, -1)) : state;
		case 'prompt-done':
			return state.prompt?.error ? state : { ...state, prompt: undefined };
		case 'escape':
			if (state.prompt) return { ...state, prompt: undefined, filter: state.prompt.before };
			if (state.help) return { ...state, help: false };
			if (state.drill) return { ...state, drill: undefined };
			return { ...state, filter: { pids: new Set(), ports: new Set(), family: state.filter.family, noLoopback: state.filter.noLoopback } };
		case 'sort':
			return { ...state, sort: { ...state.sort, [state.tab]: (state.sort[state.tab] + 1) % featureOf(state.tab).tab.sorts.length } };
		case 'loopback':
			return { ...state, filter: { ...state.filter, noLoopback: !state.filter.noLoopback } };
		case 'pause':
			return { ...state, paused: !state.paused };
		case 'help':
			return { ...state, help: !state.help, helpPage: 0 };
	}
}

/** The list the selection moves in on the current tab, for the interval shown. */
function currentList(state: UiState): TabList | undefined {
	const f = featureOf(state.tab);
	const view = state.sample && (entry(state.sample, f.key) as Maybe<unknown>);
	if (!view || isUnavailable(view) || !f.tab.list) return undefined;
	return f.tab.list(view, entry(state.tabs, f.key), sortKey(state));
}

/** A selection moved in a list of `n` rows; none yet is before the first. */
function moved(cursor: number | undefined, to: Move, n: number, page: number): number {
	const at = cursor ?? -1;
	const next = { up: at - 1, down: at + 1, 'page-up': at - page, 'page-down': at + page, home: 0, end: n - 1 }[to];
	return Math.max(0, Math.min(n - 1, next));
}

/** The current sort of a tab (the current one by default). */
export function sortKey(state: UiState, tab: FeatureKey = state.tab): string {
	return featureOf(tab).tab.sorts[state.sort[tab]]!;
}

function promptText(filter: Filter, kind: PromptKind): string {
	if (kind === 'cgroup') return filter.cgroup ?? '';
	return [...(kind === 'pid' ? filter.pids : filter.ports)].join(',');
}

/** The prompt's new text, applied at once when it parses (an empty text clears that filter). */
function promptEdited(state: UiState, text: string): UiState {
	const prompt = state.prompt!;
	if (prompt.kind === 'cgroup') {
		const { cgroup: _old, ...rest } = state.filter;
		return { ...state, filter: text.trim() === '' ? rest : { ...rest, cgroup: text.trim() }, prompt: { ...prompt, text, error: undefined, notice: undefined } };
	}
	try {
		const values = text === '' ? new Set<number>() : prompt.kind === 'pid' ? numberList(text, 'PID', 'process IDs', 1, PID_MAX) : numberList(text, 'port', 'ports', 1, 65535);
		const filter = prompt.kind === 'pid' ? { ...state.filter, pids: values } : { ...state.filter, ports: values };
		return { ...state, filter, prompt: { ...prompt, text, error: undefined, notice: undefined } };
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		return { ...state, prompt: { ...prompt, text, error: text.endsWith(',') ? undefined : error.message, notice: undefined } };
	}
}

/** A new interval: shown, and each tab remembers what it keeps of it. */
function onSample(state: UiState, sample: Sample | undefined, time: number): UiState {
	if (!sample) return { ...state, time };
	const tabs: Record<string, unknown> = { ...state.tabs };
	for (const f of ALL_FEATURES) if (f.tab.next) tabs[f.key] = f.tab.next(tabs[f.key], entry(sample, f.key), sample.interval);
	return { ...state, time, sample, tabs: keyed<TabStates>(tabs) };
}
