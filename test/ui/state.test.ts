// The UI reducer as tables: tabs, filters typed in place and applied at once, sort, pause, history.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_FILTER } from '../../source/model/filter.js';
import { EVENT_LOG, initialState, reducer, sortKey, type Action, type UiState } from '../../source/ui/state.js';
import { available, nic, raw, retrans, tcp } from '../fixtures/records.js';

const run = (state: UiState, ...actions: Action[]) => actions.reduce(reducer, state);
const start = () => initialState({ intervalMs: 1000, filter: NO_FILTER });

/** Two samples: pid 1 on port 80, pid 2 on port 22. */
function withTraffic(state = start()): UiState {
	const t = (n: number) => ({ counters: [tcp(n, 0, { cookie: 1, pid: 1, rport: 80 }), tcp(n, 0, { cookie: 2, pid: 2, rport: 22 })], lost: 0 });
	return run(state, { type: 'sample', raw: raw(0, { tcp: t(0) }) }, { type: 'sample', raw: raw(1000, { tcp: t(100) }) });
}

const pids = (s: UiState) => available(s.sample!.tcp).records().map((r) => r.pid).sort();

test('tabs by number and by Tab, wrapping both ways', () => {
	assert.equal(run(start(), { type: 'tab', tab: 'rtt' }).tab, 'rtt');
	assert.equal(run(start(), { type: 'tab-step', by: 1 }).tab, 'tcp');
	assert.equal(run(start(), { type: 'tab-step', by: -1 }).tab, 'retrans');
	assert.equal(run(start(), { type: 'tab', tab: 'retrans' }, { type: 'tab-step', by: 1 }).tab, 'nic');
});

test('the first sample only primes; the second makes an interval', () => {
	const one = run(start(), { type: 'sample', raw: raw(0) });
	assert.equal(one.sample, undefined);
	assert.equal(withTraffic().sample!.interval, 1);
	assert.deepEqual(pids(withTraffic()), [1, 2]);
});

test('a port typed in the prompt applies at once to the shown interval', () => {
	let s = run(withTraffic(), { type: 'prompt', kind: 'port' }, { type: 'prompt-type', char: '8' });
	assert.deepEqual([...s.filter.ports], [8]);
	assert.deepEqual(pids(s), [], 'no connection on port 8');
	s = run(s, { type: 'prompt-type', char: '0' });
	assert.deepEqual(pids(s), [1]);
	s = run(s, { type: 'prompt-done' });
	assert.equal(s.prompt, undefined);
	assert.deepEqual(pids(s), [1], 'the filter stays after Enter');
	s = run(s, { type: 'escape' });
	assert.deepEqual(pids(s), [1, 2], 'Esc outside the prompt clears the filters');
});

test('a bad value shows an error and keeps the last good filter; Esc undoes the prompt', () => {
	let s = run(withTraffic(), { type: 'prompt', kind: 'pid' }, { type: 'prompt-type', char: '2' });
	assert.deepEqual(pids(s), [2]);
	s = run(s, { type: 'prompt-type', char: ',' });
	assert.equal(s.prompt!.error, undefined, 'a trailing comma is still being typed');
	s = run(s, { type: 'prompt-type', char: '0' }, { type: 'prompt-erase' }, { type: 'prompt-erase' }, { type: 'prompt-erase' }, { type: 'prompt-type', char: '0' });
	assert.match(s.prompt!.error!, /PID wants process IDs from 1/);
	assert.deepEqual(pids(s), [1, 2], 'the empty text before it cleared the filter, "0" did not apply');
	assert.deepEqual(run(s, { type: 'prompt-done' }).prompt?.text, '0', 'Enter does not close a prompt with an error');
	s = run(s, { type: 'escape' });
	assert.equal(s.prompt, undefined);
	assert.deepEqual(s.filter.pids, new Set(), 'back to the filter before the prompt');
});

test('the prompt starts from the current filter', () => {
	const s = run(initialState({ intervalMs: 1000, filter: { pids: new Set([5, 6]), ports: new Set() } }), { type: 'prompt', kind: 'pid' });
	assert.equal(s.prompt!.text, '5,6');
});

test('pause ignores samples until resumed', () => {
	const paused = run(withTraffic(), { type: 'pause' });
	const after = run(paused, { type: 'sample', raw: raw(2000) });
	assert.equal(after.sample, paused.sample);
	assert.equal(run(after, { type: 'pause' }, { type: 'sample', raw: raw(3000) }).sample!.interval, 2, 'resumes from the last kept sample');
});

test('s cycles the sort of the current tab only', () => {
	const s = run(start(), { type: 'tab', tab: 'tcp' }, { type: 'sort' });
	assert.equal(sortKey(s), 'tx');
	assert.equal(sortKey(s, 'nic'), 'total');
	assert.equal(sortKey(run(s, { type: 'sort' }, { type: 'sort' }, { type: 'sort' })), 'total', 'wraps');
});

test('history per interface and the bounded event log', () => {
	let s = start();
	for (let i = 0; i <= 40; i++) s = run(s, { type: 'sample', raw: raw(i * 1000, { nic: { counters: [nic(i * 1000)], lost: 0 }, retrans: { events: Array.from({ length: 20 }, () => retrans()), lost: 0 } }) });
	assert.equal(s.history.get('1:2')!.length, 30);
	assert.equal(s.history.get('1:2')!.at(-1), 1000, 'bytes/s of the last interval');
	assert.equal(s.events.length, EVENT_LOG);
});

test('keys arrive through the reducer, one chunk of fast typing at a time', () => {
	let s = run(withTraffic(), { type: 'key', input: '2', key: {} }, { type: 'key', input: 'P80', key: {} });
	assert.equal(s.tab, 'tcp');
	assert.equal(s.prompt?.text, '80', 'the prompt opened before the digits arrived');
	assert.deepEqual(pids(s), [1]);
	s = run(s, { type: 'key', input: '\r', key: { return: true } }, { type: 'key', input: 'q', key: {} });
	assert.equal(s.prompt, undefined);
	assert.equal(s.quit, true);
	assert.equal(run(start(), { type: 'key', input: 'c', key: { ctrl: true } }).quit, true);
	assert.equal(run(start(), { type: 'key', input: 'x', key: {} }).quit, false);
});
