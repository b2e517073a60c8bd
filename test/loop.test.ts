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

/** A clock that moves only when the loop sleeps or a tick says it took time. */
class FakeClock {
	time = 0;
	readonly sleeps: number[] = [];
	now = () => this.time;
	sleep = async (ms: number) => {
		this.sleeps.push(ms);
		this.time += Math.max(0, ms);
	};
}

/** The times of `n` ticks at 100 ms intervals; `took(i)` is how long tick i (from 0) runs. */
async function tickTimes(n: number, took: (i: number) => number, clock = new FakeClock()): Promise<number[]> {
	const times: number[] = [];
	await runLoop({
		intervalMs: 100,
		count: n,
		signal: new AbortController().signal,
		clock,
		tick: (t) => {
			clock.time += took(times.length);
			times.push(t);
		},
	});
	return times;
}

test('drift correction: ticks stay on the grid start + k * interval, a slow tick shortening the next sleep', async () => {
	const clock = new FakeClock();
	assert.deepEqual(await tickTimes(5, () => 30, clock), [100, 200, 300, 400, 500], 'not 100, 230, 360: each tick\'s 30 ms come out of the next sleep');
	assert.deepEqual(clock.sleeps, [100, 70, 70, 70, 70]);
	// A tick longer than an interval but shorter than two: the next one runs at once, then the grid again.
	assert.deepEqual(await tickTimes(4, (i) => (i === 0 ? 150 : 10)), [100, 250, 300, 400]);
});

test('skipped ticks: after a stall of several intervals the loop resumes on the grid, without a burst of the missed ones', async () => {
	const clock = new FakeClock();
	// Tick 1 (at 200) stalls 550 ms, as a stopped process would: the ticks at 300 to 700 are skipped.
	assert.deepEqual(await tickTimes(4, (i) => (i === 1 ? 550 : 0), clock), [100, 200, 800, 900]);
	assert.ok(clock.sleeps.every((ms) => ms >= 0), `no negative sleep asked: ${clock.sleeps.join(', ')}`);
});
