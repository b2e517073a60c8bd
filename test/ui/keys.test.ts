// The key map as a table: what each key does, and how the filter prompt takes keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEATURE_KEYS } from '../../source/features/index.js';
import { helpRows, keyAction, KEY_TABLE } from '../../source/ui/keys.js';
import { footerLines } from '../../source/ui/bars.js';
import { initialState, reducer } from '../../source/ui/state.js';
import { NO_FILTER } from '../../source/model/filter.js';

const keyToAction = (input: string, key: Record<string, boolean>, prompting: boolean) => keyAction({ input, key }, prompting ? 'pid' : undefined);

test('keys outside a prompt', () => {
	const cases: [string, Record<string, boolean>, unknown][] = [
		['1', {}, { type: 'tab', tab: 'nic' }],
		['2', {}, { type: 'tab', tab: 'tcp' }],
		['3', {}, { type: 'tab', tab: 'rtt' }],
		['4', {}, { type: 'tab', tab: 'retrans' }],
		['5', {}, { type: 'tab', tab: 'conns' }],
		['6', {}, { type: 'tab', tab: 'drops' }],
		['', { tab: true }, { type: 'tab-step', by: 1 }],
		['', { tab: true, shift: true }, { type: 'tab-step', by: -1 }],
		['p', {}, { type: 'prompt', kind: 'pid' }],
		['P', {}, { type: 'prompt', kind: 'port' }],
		['/', {}, { type: 'prompt', kind: 'port' }],
		['', { escape: true }, { type: 'escape' }],
		['s', {}, { type: 'sort' }],
		[' ', {}, { type: 'pause' }],
		['?', {}, { type: 'help' }],
		['c', {}, { type: 'tab-key', key: 'c' }],
		['a', {}, { type: 'tab-key', key: 'a' }],
		['h', {}, { type: 'help' }],
		['q', {}, { type: 'quit' }],
		['c', { ctrl: true }, { type: 'quit' }],
		['x', {}, undefined],
		[String(FEATURE_KEYS.length + 1), {}, undefined],
		['0', {}, undefined],
	];
	for (const [input, key, want] of cases) assert.deepEqual(keyToAction(input, key, false), want, `${JSON.stringify(input)} ${JSON.stringify(key)}`);
});

test('keys inside a prompt edit it; q and digits are text there, Ctrl-C still quits', () => {
	const cases: [string, Record<string, boolean>, unknown][] = [
		['8', {}, { type: 'prompt-type', char: '8' }],
		[',', {}, { type: 'prompt-type', char: ',' }],
		['', { backspace: true }, { type: 'prompt-erase' }],
		['', { delete: true }, { type: 'prompt-erase' }],
		['', { return: true }, { type: 'prompt-done' }],
		['', { escape: true }, { type: 'escape' }],
		['q', {}, { type: 'prompt-reject', char: 'q' }],
		['1', {}, { type: 'prompt-type', char: '1' }],
		['c', { ctrl: true }, { type: 'quit' }],
	];
	for (const [input, key, want] of cases) assert.deepEqual(keyToAction(input, key, true), want, `${JSON.stringify(input)} ${JSON.stringify(key)}`);
});

test('the help and the footer come from the key table', () => {
	assert.deepEqual(helpRows().map((r) => r.key), KEY_TABLE.flatMap((b) => ('rows' in b ? b.rows.map((r) => r.key) : [b.label])));
	assert.deepEqual(helpRows()[0], { key: 'q, Ctrl-C / ?', action: 'quit / this help (? closes it)' });
	const footer = (tab: (typeof FEATURE_KEYS)[number], ...keys: string[]) =>
		footerLines(keys.reduce((s, key) => reducer(s, { type: 'tab-key', key }), initialState({ intervalMs: 1000, filter: NO_FILTER, tab })))[0]!
			.map((s) => s.text)
			.join('');
	assert.equal(footer('nic'), 'q quit  ? help  1-7 tabs  p pid  P port  Esc clear  s sort  spc pause');
	assert.equal(footer('tcp'), 'q quit  ? help  1-7 tabs  p pid  P port  Esc clear  s sort  spc pause  c conns  o containers');
	assert.equal(footer('tcp', 'c'), 'q quit  ? help  1-7 tabs  p pid  P port  Esc clear  s sort  spc pause  c procs  o containers');
	assert.equal(footer('tcp', 'o'), 'q quit  ? help  1-7 tabs  p pid  P port  Esc clear  s sort  spc pause  c conns  o cgroups');
	assert.match(footer('rtt'), /spc pause {2}a addrs$/);
});
