// Pooled snapshot arrays: current until reused, never read stale; the UI keeps copies while paused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAMES, FramePool, isCurrent } from '../../source/collectors/frames.js';
import type { RawSample } from '../../source/collectors/sources.js';
import { NO_FILTER } from '../../source/model/filter.js';
import { tcpRows } from '../../source/model/tcp.js';
import { initialState, reducer, type UiState } from '../../source/ui/state.js';
import { available, raw, tcp, tcpSnap } from '../fixtures/records.js';

test('a snapshot is current until its frame is taken again, FRAMES reads later', () => {
	const pool = new FramePool((n) => new Float64Array(n));
	const held = Array.from({ length: FRAMES + 1 }, () => {
		const { frame } = pool.take(10);
		const s = { frame };
		frame.holder = s;
		return s;
	});
	assert.deepEqual(held.map(isCurrent), [false, ...new Array<boolean>(FRAMES).fill(true)]);
});

test('a frame that must grow is a new one: the snapshot in the old one stays current', () => {
	const pool = new FramePool((n) => new Float64Array(n));
	const first = pool.take(10);
	const s = { frame: first.frame };
	first.frame.holder = s;
	for (let i = 1; i < FRAMES; i++) pool.take(10);
	const grown = pool.take(100_000);
	assert.notEqual(grown.frame, first.frame);
	assert.ok(isCurrent(s));
	assert.ok(grown.arrays.length >= 100_000);
});

test('the model refuses a snapshot whose arrays were reused', () => {
	const pool = new FramePool(() => null);
	const { frame } = pool.take(1);
	const stale = { ...tcpSnap([tcp(1, 0)]), frame };
	frame.holder = {};
	assert.throws(() => tcpRows(undefined, stale, NO_FILTER), /reused/);
});

/** A raw sample whose tcp snapshot sits in a frame of `pool`. */
function framed(pool: FramePool<null>, mono: number, bytes: number, pid: number): RawSample {
	const { frame } = pool.take(1);
	const r = raw(mono, { tcp: { counters: [tcp(bytes, 0, { cookie: 1, pid: 1 }), tcp(bytes * 2, 0, { cookie: 2, pid })], lost: 0 } });
	const snap = { ...available(r.tcp), frame };
	frame.holder = snap;
	return { ...r, tcp: snap };
}

test('paused, the shown interval survives later reads, and a filter typed meanwhile applies to it', () => {
	const pool = new FramePool(() => null);
	const run = (s: UiState, raws: RawSample[]) => raws.reduce((st, r) => reducer(st, { type: 'sample', raw: r }), s);
	let s = run(initialState({ intervalMs: 1000, filter: NO_FILTER }), [framed(pool, 0, 0, 2), framed(pool, 1000, 100, 2)]);
	s = reducer(s, { type: 'pause' });
	for (let i = 2; i < 2 + 2 * FRAMES; i++) s = reducer(s, { type: 'sample', raw: framed(pool, i * 1000, i * 100, 2) });
	s = reducer(s, { type: 'prompt', kind: 'pid' });
	s = reducer(s, { type: 'prompt-type', char: '2' });
	assert.deepEqual(available(s.sample!.tcp).records().map((r) => [r.pid, r.tx_bytes]), [[2, 200]], 'the paused interval, filtered');
	s = reducer(reducer(s, { type: 'prompt-done' }), { type: 'pause' });
	s = reducer(s, { type: 'sample', raw: framed(pool, 9000, 900, 2) });
	assert.deepEqual(available(s.sample!.tcp).records().map((r) => [r.pid, r.tx_bytes]), [[2, 1600]], 'after the pause: the interval since the paused read');
});

test('a read whose arrays were reused before the UI took the next one: the UI starts over, no wrong delta', () => {
	const pool = new FramePool(() => null);
	const first = framed(pool, 0, 0, 2);
	let s = reducer(initialState({ intervalMs: 1000, filter: NO_FILTER }), { type: 'sample', raw: first });
	for (let i = 0; i < FRAMES; i++) framed(pool, 1, 1, 2); // reads the UI never took
	s = reducer(s, { type: 'sample', raw: framed(pool, 5000, 500, 2) });
	assert.equal(s.sample, undefined, 'no interval from a stale read');
	s = reducer(s, { type: 'sample', raw: framed(pool, 6000, 600, 2) });
	assert.deepEqual(available(s.sample!.tcp).records().map((r) => r.tx_bytes), [200, 100]);
});
