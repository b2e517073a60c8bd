// Pooled snapshot arrays: current until reused, and never read stale.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tcpRows } from '../../source/features/tcp/model.js';
import { FRAMES, FramePool } from '../../source/kernel/frames.js';
import { NO_FILTER } from '../../source/model/filter.js';
import { isCurrent } from '../../source/model/reading.js';
import { tcp, tcpSnap } from '../fixtures/records.js';

test('a snapshot is current until its frame is taken again, FRAMES reads later', () => {
	const pool = new FramePool((n) => new Float64Array(n));
	const held = Array.from({ length: FRAMES + 1 }, () => {
		const { frame } = pool.take(10);
		const s = { frame, lost: 0 };
		frame.holder = s;
		return s;
	});
	assert.deepEqual(held.map(isCurrent), [false, ...new Array<boolean>(FRAMES).fill(true)]);
});

test('a frame that must grow is a new one: the snapshot in the old one stays current', () => {
	const pool = new FramePool((n) => new Float64Array(n));
	const first = pool.take(10);
	const s = { frame: first.frame, lost: 0 };
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
