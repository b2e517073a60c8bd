// The UI's state outside React: readings through the pipeline, every action through the reducer in order, and the pipeline told the filter and pause at once.
import type { FeatureKey, Reading, TabStates } from '../features/index.js';
import type { Filter } from '../model/filter.js';
import { Pipeline } from '../pipeline.js';
import type { Recording } from '../recording/recording.js';
import { parseWhen, resolveWhen } from '../recording/when.js';
import { initialState, reducer, type Action, type ReplayState, type UiState } from './state.js';

/** Intervals a jump in a replay runs through before the one it shows: the tabs' history (sparklines) fills as it did live. */
const WARM_UP = 60;

/** The history kept while live (recording/ring.ts, by cli.ts): opened as a recording on T, written out on W. */
export interface LiveHistory {
	/** The history as a recording now; undefined when none is kept. */
	open(): Recording | undefined;
	/** Writes it to a file: the header's note (where, or why not). */
	write(): string;
}

export interface StoreOptions {
	readonly intervalMs: number;
	readonly filter: Filter;
	readonly tab?: FeatureKey;
	/** Told the tab shown and the tabs' states whenever either changes: collectors that run on demand follow them. */
	readonly onShow?: (tab: FeatureKey, tabs: TabStates) => void;
	/** A recording to replay instead of readings published: the state's replay position picks its interval. */
	readonly replay?: Recording;
	readonly history?: LiveHistory;
}

/** The replay state of a recording, at its `at`th interval. */
function replayOf(rec: Recording, at: number, history = false): ReplayState {
	return { at, count: rec.intervals.length, playing: false, host: rec.headers[0]!.host, first: rec.wallAt(0), last: rec.wallAt(rec.length - 1), ...(history ? { history } : {}) };
}

/**
 * The pipeline follows the state synchronously, action by action: a key that
 * pauses, resumes or filters reaches it before the next reading does, however
 * React batches its renders. A replay, or the history while live, goes
 * through a pipeline of its own; live's stays held meanwhile.
 */
export class UiStore {
	private state: UiState;
	private readonly listeners = new Set<() => void>();
	/** What the replay position steps through: the file replayed, or the history opened by T. */
	private recording: Recording | undefined;
	private replayPipeline: Pipeline | undefined;

	constructor(
		private readonly pipeline: Pipeline,
		private readonly options: StoreOptions,
	) {
		const rec = options.replay;
		const replay = rec && rec.intervals.length > 0 ? replayOf(rec, 0) : undefined;
		this.state = initialState({ intervalMs: options.intervalMs, filter: options.filter, tab: options.tab, replay });
		this.pipeline.refilter(this.state.filter);
		if (replay) {
			this.recording = rec;
			this.replayPipeline = pipeline;
			this.state = this.replayed(this.state, undefined);
		}
	}

	readonly getState = (): UiState => this.state;

	/** Calls `listener` after every change of state (React's useSyncExternalStore). */
	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	};

	/** A new reading from the refresh loop: the interval it closes (none for the first; nothing new while paused). */
	publish(reading: Reading): void {
		this.dispatch({ type: 'sample', sample: this.pipeline.push(reading), time: reading.wall });
	}

	/**
	 * The replay's interval `state.replay.at` shown: the reading after the one
	 * shown last goes through the pipeline as live; any other is a jump, which
	 * starts the pipeline over WARM_UP intervals before (within its run).
	 */
	private replayed(state: UiState, was: number | undefined): UiState {
		const rec = this.recording!;
		const pipeline = this.replayPipeline!;
		const k = rec.intervals[state.replay!.at]!;
		let from = k;
		if (was === undefined || rec.intervals[was] !== k - 1) {
			pipeline.reset();
			from = Math.max(rec.runStart(k), k - WARM_UP);
		}
		let s = state;
		for (let j = from; j <= k; j++) {
			// A reading that does not decode (damage found only now, said at exit): the interval after it starts over.
			const reading = rec.reading(j);
			if (!reading) pipeline.reset();
			s = reducer(s, { type: 'replayed', sample: reading && pipeline.push(reading), time: rec.wallAt(j) });
		}
		// A step across the start of another run of nettop: the time between was not recorded.
		const shown = was === undefined ? undefined : rec.intervals[was];
		if (shown !== undefined && rec.runStart(shown) !== rec.runStart(k)) s = { ...s, note: `another run of nettop (${rec.runStart(k) > rec.runStart(shown) ? 'started' : 'ended'} here): not recorded between` };
		return s;
	}

	/** What the reducer asked: the history opened at its last interval (T while live), or written out (W). */
	private requested(next: UiState, before: UiState): UiState {
		const { request, ...rest } = next;
		if (typeof request === 'object') return this.jumped(rest, request.jump);
		if (request === 'newer') return this.newer(rest);
		if (request === 'write') return { ...rest, note: this.options.history?.write() ?? (this.options.replay ? 'a replay keeps no history: the file is the recording' : 'no history is kept: --history 0') };
		if (!this.options.history) return { ...rest, paused: before.paused, note: 'no history is kept: --history 0' };
		const rec = this.options.history.open();
		if (!rec || rec.intervals.length === 0) return { ...rest, paused: before.paused, note: 'no history yet' };
		this.recording = rec;
		this.replayPipeline = new Pipeline(next.filter);
		// The interval before the one live shows last (the history's last): T steps back.
		return this.replayed({ ...rest, replay: replayOf(rec, Math.max(0, rec.intervals.length - 2), true) }, undefined);
	}

	/** t past the history's last interval: the history opened again with what live added since, one interval on. */
	private newer(state: UiState): UiState {
		const rec = this.options.history?.open();
		const shown = state.time;
		const at = rec ? rec.intervals.findIndex((k) => rec.wallAt(k) > (shown ?? Infinity)) : -1;
		if (!rec || at < 0) return { ...state, note: 'the newest interval: space is live' };
		this.recording = rec;
		return this.replayed({ ...state, note: undefined, replay: replayOf(rec, at, true) }, undefined);
	}

	/** b: the first interval that ends at or after the time typed (the last, past the end); a time that does not parse, said in the header. */
	private jumped(state: UiState, text: string): UiState {
		const rec = this.recording;
		if (!rec || !state.replay) return state;
		let to: number;
		try {
			to = resolveWhen(parseWhen(text, 'b'), rec.wallAt(0), rec.wallAt(rec.length - 1));
		} catch (error) {
			return { ...state, note: (error as Error).message };
		}
		const found = rec.intervals.findIndex((k) => rec.wallAt(k) >= to);
		const at = found < 0 ? rec.intervals.length - 1 : found;
		return at === state.replay.at ? state : this.replayed({ ...state, replay: { ...state.replay, at, playing: false } }, state.replay.at);
	}

	readonly dispatch = (action: Action): void => {
		const before = this.state;
		let next = reducer(before, action);
		// A request shows what it moved to itself.
		const requested = next.request !== undefined;
		if (requested) next = this.requested(next, before);
		if (next.paused !== before.paused) this.pipeline.hold(next.paused);
		if (before.replay?.history && !next.replay) this.recording = this.replayPipeline = undefined;
		else if (!requested && next.replay && next.replay.at !== before.replay?.at && before.replay) next = this.replayed(next, before.replay.at);
		if (next.filter !== before.filter) {
			// The shown interval, made again with the new filter (the held copies while paused); live's too, under a replay.
			const live = this.pipeline.refilter(next.filter);
			const sample = this.replayPipeline && this.replayPipeline !== this.pipeline ? this.replayPipeline.refilter(next.filter) : live;
			if (sample) next = reducer(next, { type: 'refiltered', sample });
		}
		if (next === before) return;
		this.state = next;
		if (next.tab !== before.tab || next.tabs !== before.tabs) this.options.onShow?.(next.tab, next.tabs);
		for (const l of this.listeners) l();
	};
}
