// The refresh loop ticks the asked number of times and stops at once when aborted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLoop } from '../source/loop.js';

test('runs `count` ticks with increasing monotonic times', async () => {
	const ticks: number[] = [];
	await runLoop({ intervalMs: 5, count: 4, signal: new AbortController().signal, tick: (t) => void ticks.push(t) });
	assert.equal(ticks.length, 4);
	assert.ok(ticks.every((t, i) => i === 0 || t > ticks[i - 1]!));
});

test('abort ends the loop without another tick', async () => {
	const stop = new AbortController();
	let ticks = 0;
	const done = runLoop({
		intervalMs: 5,
		signal: stop.signal,
		tick: () => {
			if (++ticks === 2) stop.abort();
		},
	});
	await done;
	assert.equal(ticks, 2);
});

test('a tick that did nothing does not count toward count', async () => {
	let calls = 0;
	let done = 0;
	await runLoop({
		intervalMs: 2,
		count: 3,
		signal: new AbortController().signal,
		tick: () => {
			calls++;
			if (calls % 2 === 0) return false;
			done++;
			return true;
		},
	});
	assert.equal(done, 3);
	assert.equal(calls, 5);
});
