// The UI's state and its pure reducer: tabs, filters typed in place, sort, pause, each tab's own state; samples come in whole.
import type { Key } from 'ink';
import { ALL_FEATURES, entry, FEATURE_KEYS, keyed, type FeatureKey, type Sample, type TabStates } from '../features/index.js';
import type { Owner, SomeFeature, TabList, TabProps } from '../features/feature.js';
import { isUnavailable, type Maybe } from '../model/reading.js';
import { numberList, PID_MAX, UsageError, type Filter } from '../model/filter.js';
import { keyAction, pressesOf, type KeyAction, type Move, type PromptKind } from './keys.js';
import { drillList } from './drill.js';

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

/**
 * A selected row: its place in the list shown and what it is, so the
 * selection follows its row as rows re-sort from one interval to the next
 * (as htop's follows a process). A row that leaves the list stays selected
 * by what it is (`gone` says what it was), and comes back selected.
 */
export interface Selection {
	readonly at: number;
	/** TabList.id of the row. */
	readonly id: unknown;
	/** The row in words; also set as `gone` while it is not in the list. */
	readonly name: string;
	readonly gone?: string;
}

/** Replaying a recording (-R): the interval shown, and the recording's extent. */
export interface ReplayState {
	/** The interval shown, from 0: the recording's intervals in order (ui/store.ts turns it into readings). */
	readonly at: number;
	readonly count: number;
	/** Space: the next interval follows at the recorded pace (the caller's timer steps). */
	readonly playing: boolean;
	/** The host it was recorded on; wall times of its first and last readings. */
	readonly host: string;
	/** The UI's own history while live (space returns to live), not a file. */
	readonly history?: boolean;
	readonly first: number;
	readonly last: number;
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
	readonly cursor: Readonly<Partial<Record<FeatureKey, Selection>>>;
	/** The process whose connections Enter opened (Esc closes), and the row selected there. */
	readonly drill?: { readonly owner: Owner; readonly cursor?: Selection };
	/** The size of the screen's body, the lines a tab gets (the app says when it changes): a page key moves by the rows its list shows there. */
	readonly body: { readonly width: number; readonly height: number };
	/** Set when the screen replays a recording, or the history while live. */
	readonly replay?: ReplayState;
	/** Asked of the store, which clears it: step back into the history while live (T), write the history to a file (W). */
	readonly request?: 'history' | 'newer' | 'write' | { readonly jump: string };
	/** A line for the header: the file the history was written to, or why not. */
	readonly note?: string;
}

const byKey = <T>(value: (f: SomeFeature) => T) => Object.fromEntries(ALL_FEATURES.map((f) => [f.key, value(f)]));

export function initialState(options: { intervalMs: number; filter: Filter; tab?: FeatureKey; replay?: ReplayState }): UiState {
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
		// 80x24's until the app says.
		body: { width: 80, height: 19 },
		...(options.replay ? { replay: options.replay } : {}),
	};
}

export type Action =
	/** A new reading: the interval it closes (undefined for the first), and its wall time. */
	| { type: 'sample'; sample: Sample | undefined; time: number }
	/** An interval of a replay or of the history, shown though live is paused. */
	| { type: 'replayed'; sample: Sample | undefined; time: number }
	/** The history was written (or could not be): said in the header. */
	| { type: 'note'; note: string }
	/** The shown interval, made again with the filter just set. */
	| { type: 'refiltered'; sample: Sample }
	| KeyAction
	/** A key press, mapped here (not in the component) so it always sees the latest state. */
	| { type: 'key'; input: string; key: Partial<Key> }
	/** The size of the screen's body, for the page keys. */
	| { type: 'resize'; width: number; height: number };

const featureOf = (key: FeatureKey): SomeFeature => ALL_FEATURES.find((f) => f.key === key)!;

export function reducer(state: UiState, action: Action): UiState {
	switch (action.type) {
		case 'key': {
			// Keys typed fast, pasted or bundled by a slow link arrive as one chunk ("P7501\r"): each one, in order.
			// The header's note is news until the next key.
			return pressesOf(action).reduce((s, press) => {
				const next = keyAction(press, s.prompt?.kind);
				return next ? reducer(s, next) : s;
			}, state.note === undefined ? state : { ...state, note: undefined });
		}
		case 'sample':
			return state.paused ? state : followed(onSample(state, action.sample, action.time));
		case 'replayed':
			return followed(onSample(state, action.sample, action.time));
		case 'note':
			return { ...state, note: action.note };
		case 'write':
			return { ...state, request: 'write' };
		case 'refiltered':
			return followed({ ...state, sample: action.sample });
		case 'quit':
			return { ...state, quit: true };
		case 'tab':
			return followed({ ...state, tab: action.tab, help: false, drill: undefined });
		case 'tab-step': {
			const i = (FEATURE_KEYS.indexOf(state.tab) + action.by + FEATURE_KEYS.length) % FEATURE_KEYS.length;
			return followed({ ...state, tab: FEATURE_KEYS[i]!, help: false, drill: undefined });
		}
		case 'tab-key': {
			const binding = featureOf(state.tab).tab.keys.find((k) => k.key === action.key);
			if (!binding || state.drill) return state;
			// A replay shows what was sampled; the history is of live, which the key still changes.
			if (binding.live && state.replay && !state.replay.history) return { ...state, note: `${binding.key} changes what nettop samples live: a replay shows what was recorded` };
			// Another list: its selection starts over.
			return { ...state, tabs: { ...state.tabs, [state.tab]: binding.apply(entry(state.tabs, state.tab)) }, cursor: { ...state.cursor, [state.tab]: undefined } };
		}
		case 'move': {
			if (state.help) return { ...state, helpPage: Math.max(0, state.helpPage + (action.to === 'up' || action.to === 'page-up' ? -1 : action.to === 'home' ? -state.helpPage : 1)) };
			if (state.drill) {
				const list = drillList(state.sample, state.drill.owner, state.body.height);
				return list.length === 0 ? state : { ...state, drill: { ...state.drill, cursor: moved(state.drill.cursor, action.to, list) } };
			}
			const list = currentList(state);
			return !list || list.length === 0 ? state : { ...state, cursor: { ...state.cursor, [state.tab]: moved(state.cursor[state.tab], action.to, list) } };
		}
		case 'enter': {
			if (state.help || state.drill) return state;
			const selection = state.cursor[state.tab];
			// A row that left the list: nothing is selected to open.
			const owner = selection?.gone ? undefined : currentList(state)?.owner(selection?.at ?? 0);
			return owner ? { ...state, drill: { owner: { pid: owner.pid, comm: owner.comm } } } : state;
		}
		case 'resize':
			return action.width === state.body.width && action.height === state.body.height ? state : { ...state, body: { width: action.width, height: Math.max(1, action.height) } };
		case 'prompt':
			if (action.kind === 'time' && !state.replay) return { ...state, note: 'b jumps in a replay (-R) or in the history (T first)' };
			return { ...state, help: false, prompt: { kind: action.kind, text: promptText(state.filter, action.kind), before: state.filter } };
		case 'prompt-type':
			return state.prompt ? promptEdited(state, state.prompt.text + action.char) : state;
		case 'prompt-reject':
			return state.prompt ? { ...state, prompt: { ...state.prompt, notice: `"${action.char}" left out: digits and commas only` } } : state;
		case 'prompt-erase':
			return state.prompt ? promptEdited(state, state.prompt.text.slice(0, -1)) : state;
		case 'prompt-done':
			if (state.prompt?.kind === 'time') return { ...state, prompt: undefined, request: { jump: state.prompt.text } };
			return state.prompt?.error ? state : { ...state, prompt: undefined };
		case 'escape':
			if (state.prompt) return { ...state, prompt: undefined, filter: state.prompt.before };
			if (state.help) return { ...state, help: false };
			if (state.drill) return { ...state, drill: undefined };
			return { ...state, filter: { pids: new Set(), ports: new Set(), family: state.filter.family, noLoopback: state.filter.noLoopback } };
		case 'sort':
			return followed({ ...state, sort: { ...state.sort, [state.tab]: (state.sort[state.tab] + 1) % featureOf(state.tab).tab.sorts.length } });
		case 'loopback':
			return { ...state, filter: { ...state.filter, noLoopback: !state.filter.noLoopback } };
		case 'pause':
			// Back to live from the history; a replay plays or stops: it reads nothing to hold.
			if (state.replay?.history) return { ...state, replay: undefined, paused: false };
			if (state.replay) return stepped(state, 0, !state.replay.playing);
			return { ...state, paused: !state.paused };
		case 'step':
			// Live, T pauses and asks for the history (the store opens it, when it keeps one).
			if (!state.replay) return action.by < 0 ? { ...state, paused: true, request: 'history' } : state;
			// Past the history's last interval: the readings live has added since it was opened.
			if (state.replay.history && action.by > 0 && state.replay.at === state.replay.count - 1) return { ...state, request: 'newer' };
			return stepped(state, action.by, action.by > 0 && state.replay.playing);
		case 'rewind':
			return state.replay ? stepped(state, -state.replay.at, false) : state;
		case 'help':
			return { ...state, help: !state.help, helpPage: 0 };
	}
}

/** A replay moved `by` intervals (kept within the recording), playing or not; playing stops at the last. */
function stepped(state: UiState, by: number, playing: boolean): UiState {
	const r = state.replay!;
	const at = Math.max(0, Math.min(r.count - 1, r.at + by));
	const plays = playing && at < r.count - 1;
	// The ends said: a key that cannot move, or play that stops there.
	const note = by !== 0 && at === r.at ? (by > 0 ? 'the last interval of the recording' : 'the first interval of the recording') : r.playing && !plays && at === r.count - 1 ? 'the end of the recording' : state.note;
	return at === r.at && plays === r.playing && note === state.note ? state : { ...state, note, replay: { ...r, at, playing: plays } };
}

/** The list the selection moves in on the current tab, for the interval shown, at the body's size. */
function currentList(state: UiState): TabList | undefined {
	const f = featureOf(state.tab);
	const view = state.sample && (entry(state.sample, f.key) as Maybe<unknown>);
	if (!view || isUnavailable(view) || !f.tab.list) return undefined;
	// What a page holds depends on the body's size and the view, not on the names shown: no namespace or locale is needed.
	const props: TabProps<unknown> = { state: entry(state.tabs, f.key), sort: sortKey(state), seconds: state.sample!.interval, ...state.body, currentNetns: 0, unicode: false, filter: state.filter };
	return f.tab.list(view, props);
}

/** Row `at` of `list`, selected. */
const select = (list: TabList, at: number): Selection => ({ at, id: list.id(at), name: list.name(at) });

/** A selection moved in `list`; none yet is before the first. Page keys move by the rows a page of the list shows, so no row is skipped. */
function moved(selection: Selection | undefined, to: Move, list: TabList): Selection {
	const at = selection?.at ?? -1;
	const page = Math.max(1, list.page());
	const next = { up: at - 1, down: at + 1, 'page-up': at - page, 'page-down': at + page, home: 0, end: list.length - 1 }[to];
	return select(list, Math.max(0, Math.min(list.length - 1, next)));
}

/** The selection on the row it selected, wherever that row is now in `list`; said gone (at its last place) while the row is not in the list. */
function follow(selection: Selection, list: TabList): Selection {
	const at = list.indexOf(selection.id);
	if (at >= 0) return at === selection.at && !selection.gone ? selection : { at, id: selection.id, name: selection.name };
	return selection.gone ? selection : { ...selection, gone: selection.name };
}

/** The selections of the tab shown and of the drill-down, after its list changed: a new interval, a filter, a sort, another tab. */
function followed(state: UiState): UiState {
	if (state.drill?.cursor) return { ...state, drill: { ...state.drill, cursor: follow(state.drill.cursor, drillList(state.sample, state.drill.owner, state.body.height)) } };
	const selection = state.cursor[state.tab];
	const list = selection && currentList(state);
	return list ? { ...state, cursor: { ...state.cursor, [state.tab]: follow(selection, list) } } : state;
}

/** The current sort of a tab (the current one by default). */
export function sortKey(state: UiState, tab: FeatureKey = state.tab): string {
	return featureOf(tab).tab.sorts[state.sort[tab]]!;
}

function promptText(filter: Filter, kind: PromptKind): string {
	if (kind === 'time') return '';
	if (kind === 'cgroup') return filter.cgroup ?? '';
	return [...(kind === 'pid' ? filter.pids : filter.ports)].join(',');
}

/** The prompt's new text, applied at once when it parses (an empty text clears that filter). */
function promptEdited(state: UiState, text: string): UiState {
	const prompt = state.prompt!;
	if (prompt.kind === 'time') return { ...state, prompt: { ...prompt, text, notice: undefined } };
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
