// The UI reducer as tables, with the pipeline behind it: tabs, filters typed in place and applied at once, sort, pause, tab state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HISTORY } from '../../source/features/nic/tab.js';
import { nextRecent, RECENT, type RetransEvent } from '../../source/features/retrans/model.js';
import { NO_FILTER } from '../../source/model/filter.js';
import { keyAction } from '../../source/ui/keys.js';
import { initialState, reducer, sortKey, type Action, type UiState } from '../../source/ui/state.js';
import { available, latencySnap, nic, raw, retrans, tcp } from '../fixtures/records.js';
import { TestStore } from '../helpers/ui.js';

const run = (state: UiState, ...actions: Action[]) => actions.reduce(reducer, state);
const start = () => initialState({ intervalMs: 1000, filter: NO_FILTER });

/** Two readings: pid 1 on port 80, pid 2 on port 22. */
function withTraffic(ui = new TestStore()): TestStore {
	const t = (n: number) => ({ counters: [tcp(n, 0, { cookie: 1, pid: 1, rport: 80 }), tcp(n, 0, { cookie: 2, pid: 2, rport: 22 })], lost: 0 });
	ui.read(raw(0, { tcp: t(0) }), raw(1000, { tcp: t(100) }));
	return ui;
}

const pids = (s: UiState) => available(s.sample!.tcp).records().map((r) => r.pid).sort();

test('tabs by number and by Tab, wrapping both ways', () => {
	assert.equal(run(start(), { type: 'tab', tab: 'rtt' }).tab, 'rtt');
	assert.equal(run(start(), { type: 'tab-step', by: 1 }).tab, 'tcp');
	assert.equal(run(start(), { type: 'tab-step', by: -1 }).tab, 'latency');
	assert.equal(run(start(), { type: 'tab', tab: 'latency' }, { type: 'tab-step', by: 1 }).tab, 'nic');
});

test('the first reading only primes; the second makes an interval', () => {
	const one = new TestStore().read(raw(0));
	assert.equal(one.sample, undefined);
	assert.equal(one.time, raw(0).wall, 'the header has the time of the first reading');
	assert.equal(withTraffic().getState().sample!.interval, 1);
	assert.deepEqual(pids(withTraffic().getState()), [1, 2]);
});

test('a port typed in the prompt applies at once to the shown interval', () => {
	const ui = withTraffic();
	let s = ui.act({ type: 'prompt', kind: 'port' }, { type: 'prompt-type', char: '8' });
	assert.deepEqual([...s.filter.ports], [8]);
	assert.deepEqual(pids(s), [], 'no connection on port 8');
	s = ui.act({ type: 'prompt-type', char: '0' });
	assert.deepEqual(pids(s), [1]);
	s = ui.act({ type: 'prompt-done' });
	assert.equal(s.prompt, undefined);
	assert.deepEqual(pids(s), [1], 'the filter stays after Enter');
	s = ui.act({ type: 'escape' });
	assert.deepEqual(pids(s), [1, 2], 'Esc outside the prompt clears the filters');
});

test('a bad value shows an error and keeps the last good filter; Esc undoes the prompt', () => {
	const ui = withTraffic();
	let s = ui.act({ type: 'prompt', kind: 'pid' }, { type: 'prompt-type', char: '2' });
	assert.deepEqual(pids(s), [2]);
	s = ui.act({ type: 'prompt-type', char: ',' });
	assert.equal(s.prompt!.error, undefined, 'a trailing comma is still being typed');
	s = ui.act({ type: 'prompt-type', char: '0' }, { type: 'prompt-erase' }, { type: 'prompt-erase' }, { type: 'prompt-erase' }, { type: 'prompt-type', char: '0' });
	assert.match(s.prompt!.error!, /PID wants process IDs from 1/);
	assert.deepEqual(pids(s), [1, 2], 'the empty text before it cleared the filter, "0" did not apply');
	assert.deepEqual(run(s, { type: 'prompt-done' }).prompt?.text, '0', 'Enter does not close a prompt with an error');
	s = ui.act({ type: 'escape' });
	assert.equal(s.prompt, undefined);
	assert.deepEqual(s.filter.pids, new Set(), 'back to the filter before the prompt');
});

test('the prompt starts from the current filter', () => {
	const s = run(initialState({ intervalMs: 1000, filter: { pids: new Set([5, 6]), ports: new Set() } }), { type: 'prompt', kind: 'pid' });
	assert.equal(s.prompt!.text, '5,6');
});

test('pause keeps the shown interval until resumed', () => {
	const ui = withTraffic();
	const paused = ui.act({ type: 'pause' });
	const after = ui.read(raw(2000));
	assert.equal(after.sample, paused.sample);
	ui.act({ type: 'pause' });
	assert.equal(ui.read(raw(3000)).sample!.interval, 2, 'resumes from the last kept reading');
});

test('s cycles the sort of the current tab only', () => {
	const s = run(start(), { type: 'tab', tab: 'tcp' }, { type: 'sort' });
	assert.equal(sortKey(s), 'tx');
	assert.equal(sortKey(s, 'nic'), 'total');
	assert.equal(sortKey(run(s, { type: 'sort' }, { type: 'sort' }, { type: 'sort' })), 'total', 'wraps');
});

test('a tab\'s own key changes its own state, and only on that tab', () => {
	const s = run(start(), { type: 'tab', tab: 'tcp' }, { type: 'tab-key', key: 'c' });
	assert.equal(s.tabs.tcp.connections, true);
	assert.equal(s.tabs.rtt.mode, 'hist');
	assert.equal(run(s, { type: 'tab', tab: 'nic' }, { type: 'tab-key', key: 'c' }).tabs.tcp.connections, true, 'c on the NIC tab does nothing');
	assert.equal(run(s, { type: 'tab', tab: 'rtt' }, { type: 'tab-key', key: 'a' }).tabs.rtt.mode, 'addr');
});

test('history per interface and the bounded list of recent retransmits', () => {
	const ui = new TestStore();
	let recent: readonly RetransEvent[] = [];
	for (let i = 0; i <= HISTORY + 10; i++) {
		const events = Array.from({ length: 20 }, () => retrans());
		ui.read(raw(i * 1000, { nic: { counters: [nic(i * 1000)], lost: 0 }, retrans: { events, lost: 0, recent } }));
		recent = nextRecent(recent, events); // as the collector keeps them
	}
	const s = ui.getState();
	assert.equal(s.tabs.nic.history.get('1:2')!.length, HISTORY);
	assert.equal(s.tabs.nic.history.get('1:2')!.at(-1), 1000, 'bytes/s of the last interval');
	assert.equal(available(s.sample!.retrans).recent.length, RECENT);
	assert.equal(available(s.sample!.retrans).count, 20, 'the interval\'s own count');
});

test('keys arrive through the reducer, one chunk of fast typing at a time', () => {
	const ui = withTraffic();
	let s = ui.act({ type: 'key', input: '2', key: {} }, { type: 'key', input: 'P80', key: {} });
	assert.equal(s.tab, 'tcp');
	assert.equal(s.prompt?.text, '80', 'the prompt opened before the digits arrived');
	assert.deepEqual(pids(s), [1]);
	s = ui.act({ type: 'key', input: '\r', key: { return: true } }, { type: 'key', input: 'q', key: {} });
	assert.equal(s.prompt, undefined);
	assert.equal(s.quit, true);
	assert.equal(run(start(), { type: 'key', input: 'c', key: { ctrl: true } }).quit, true);
	assert.equal(run(start(), { type: 'key', input: 'x', key: {} }).quit, false);
});

test('a chunk holding Enter, Tab, Backspace or Ctrl-C: every key is handled, in order (as a slow link or a paste delivers them)', () => {
	let s = withTraffic().act({ type: 'key', input: '2', key: {} }, { type: 'key', input: 'P5201\r', key: {} });
	assert.equal(s.prompt, undefined, 'Enter in the chunk closed the prompt');
	assert.deepEqual([...s.filter.ports], [5201]);
	s = reducer(s, { type: 'key', input: 'q', key: {} });
	assert.equal(s.quit, true, 'the next q quits instead of going into the prompt');

	s = run(start(), { type: 'key', input: 'p1\r', key: {} });
	assert.deepEqual([...s.filter.pids], [1]);
	assert.equal(s.prompt, undefined);
	s = run(start(), { type: 'key', input: 'p12\x7f\r', key: {} });
	assert.deepEqual([...s.filter.pids], [1], 'DEL erased the 2');
	s = run(start(), { type: 'key', input: '\t\t', key: {} });
	assert.equal(s.tab, 'rtt', 'two Tabs step two tabs');
	s = run(start(), { type: 'key', input: 'p7\x03', key: {} });
	assert.equal(s.quit, true, 'Ctrl-C quits from inside a chunk');
	s = run(start(), { type: 'key', input: 'P80\n', key: {} });
	assert.equal(s.prompt, undefined, 'LF ends the prompt as CR does');
});

test('a letter typed in the PID prompt is said to be left out, and Enter still closes it', () => {
	let s = run(start(), { type: 'key', input: 'p12x', key: {} });
	assert.equal(s.prompt?.text, '12');
	assert.match(s.prompt?.notice ?? '', /"x" left out: digits and commas only/);
	s = run(s, { type: 'key', input: '\r', key: {} });
	assert.equal(s.prompt, undefined);
	assert.deepEqual([...s.filter.pids], [12]);
});

test('l leaves out loopback connections and brings them back; Esc keeps it, as it keeps the family', () => {
	let s = run(start(), { type: 'key', input: 'l', key: {} });
	assert.equal(s.filter.noLoopback, true);
	s = run(s, { type: 'key', input: 'p', key: {} }, { type: 'key', input: '5', key: {} }, { type: 'key', input: '\r', key: { return: true } }, { type: 'key', input: '', key: { escape: true } });
	assert.deepEqual([[...s.filter.pids], s.filter.noLoopback], [[], true]);
	assert.equal(run(s, { type: 'key', input: 'l', key: {} }).filter.noLoopback, false);
});

test('C: a cgroup typed in the prompt, any text, applied at once (rows whose cgroup is not known are left out); Esc undoes it', () => {
	const ui = withTraffic();
	let s = ui.act({ type: 'prompt', kind: 'cgroup' });
	for (const char of 'docker-') s = ui.act(...pressed(char, s));
	assert.equal(s.filter.cgroup, 'docker-');
	assert.deepEqual(pids(s), [], 'no row here has a known cgroup');
	s = ui.act({ type: 'escape' });
	assert.equal(s.filter.cgroup, undefined);
	assert.deepEqual(pids(s), [1, 2]);
});

/** The actions a key press makes in the state `s` (inside its prompt, if one is open). */
function pressed(char: string, s: UiState): Action[] {
	const action = keyAction({ input: char, key: {} }, s.prompt?.kind);
	return action ? [action as Action] : [];
}

test('the store tells who runs on demand which tab is shown and the tabs\' states, at each change only', () => {
	const shown: [string, unknown][] = [];
	const ui = new TestStore({ onShow: (tab, tabs) => shown.push([tab, tabs.latency]) });
	ui.read(raw(0, { latency: latencySnap() }), raw(1000, { latency: latencySnap() }));
	shown.length = 0;
	ui.act({ type: 'tab', tab: 'latency' });
	ui.act({ type: 'tab-key', key: '+' });
	ui.act({ type: 'sort' });
	ui.act({ type: 'tab', tab: 'nic' });
	assert.deepEqual(shown, [
		['latency', { every: 64 }],
		['latency', { every: 32 }],
		['nic', { every: 32 }],
	]);
});

test('+ and - on the Latency tab change the sample live and in the history; a replay says it shows what was recorded', () => {
	const base = { ...initialState({ intervalMs: 1000, filter: NO_FILTER, tab: 'latency' }), tabs: { ...initialState({ intervalMs: 1000, filter: NO_FILTER }).tabs, latency: { every: 64 } } } as UiState;
	const replay = { at: 0, count: 1, playing: false, host: 'web1', first: 0, last: 0 };
	const every = (s: UiState) => (s.tabs as unknown as { latency: { every?: number } }).latency.every;
	assert.equal(every(reducer(base, { type: 'tab-key', key: '+' })), 32, 'live');
	assert.equal(every(reducer({ ...base, replay: { ...replay, history: true } }, { type: 'tab-key', key: '+' })), 32, 'the history: live goes on');
	const replayed = reducer({ ...base, replay }, { type: 'tab-key', key: '-' });
	assert.equal(every(replayed), 64);
	assert.equal(replayed.note, '- changes what nettop samples live: a replay shows what was recorded');
});
