// The key map as a table: what each key does, and how the filter prompt takes keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyToAction } from '../../source/ui/keys.js';

test('keys outside a prompt', () => {
	const cases: [string, Record<string, boolean>, unknown][] = [
		['1', {}, { type: 'tab', tab: 'nic' }],
		['2', {}, { type: 'tab', tab: 'tcp' }],
		['3', {}, { type: 'tab', tab: 'rtt' }],
		['4', {}, { type: 'tab', tab: 'retrans' }],
		['', { tab: true }, { type: 'tab-step', by: 1 }],
		['', { tab: true, shift: true }, { type: 'tab-step', by: -1 }],
		['p', {}, { type: 'prompt', kind: 'pid' }],
		['P', {}, { type: 'prompt', kind: 'port' }],
		['/', {}, { type: 'prompt', kind: 'port' }],
		['', { escape: true }, { type: 'escape' }],
		['s', {}, { type: 'sort' }],
		[' ', {}, { type: 'pause' }],
		['?', {}, { type: 'help' }],
		['c', {}, { type: 'connections' }],
		['a', {}, { type: 'by-address' }],
		['q', {}, { type: 'quit' }],
		['c', { ctrl: true }, { type: 'quit' }],
		['x', {}, undefined],
		['5', {}, undefined],
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
		['q', {}, undefined],
		['1', {}, { type: 'prompt-type', char: '1' }],
		['c', { ctrl: true }, { type: 'quit' }],
	];
	for (const [input, key, want] of cases) assert.deepEqual(keyToAction(input, key, true), want, `${JSON.stringify(input)} ${JSON.stringify(key)}`);
});
