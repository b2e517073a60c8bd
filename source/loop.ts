// The refresh loop: a drift-corrected timer that calls `tick` every interval until stopped.
import { performance } from 'node:perf_hooks';

/** Where the loop takes its time from: the real clock, or a test's. */
export interface Clock {
	/** A monotonic time in ms. */
	now(): number;
	/** Resolves after `ms`, or at once when `signal` aborts. */
	sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface LoopOptions {
	readonly intervalMs: number;
	/** Stop after this many ticks; undefined runs until `signal` aborts. */
	readonly count?: number;
	readonly signal: AbortSignal;
	/** Called with the monotonic time of the tick (ms); false: nothing was done, it does not count. The next tick waits for a returned promise. */
	readonly tick: (mono: number) => boolean | void | Promise<boolean | void>;
	readonly clock?: Clock;
}

/**
 * Sleeps until start + k * interval for k = 1, 2, ..., so a slow tick shortens
 * the next sleep instead of pushing every later tick back. Ticks missed
 * entirely (the process was stopped) are skipped, not run in a burst.
 */
export async function runLoop({ intervalMs, count, signal, tick, clock = realClock }: LoopOptions): Promise<void> {
	const start = clock.now();
	let k = 0;
	let done = 0;
	while (!signal.aborted && (count === undefined || done < count)) {
		k++;
		let deadline = start + k * intervalMs;
		const now = clock.now();
		if (deadline < now - intervalMs) {
			k = Math.floor((now - start) / intervalMs) + 1;
			deadline = start + k * intervalMs;
		}
		await clock.sleep(deadline - clock.now(), signal);
		if (signal.aborted) return;
		if ((await tick(clock.now())) !== false) done++;
	}
}

const realClock: Clock = {
	now: () => performance.now(),
	sleep: (ms, signal) =>
		new Promise((resolve) => {
			if (signal.aborted) return resolve();
			const timer = setTimeout(done, Math.max(0, ms));
			function done() {
				clearTimeout(timer);
				signal.removeEventListener('abort', done);
				resolve();
			}
			signal.addEventListener('abort', done, { once: true });
		}),
};
