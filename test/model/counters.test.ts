// Table tests for counter deltas, rates and averages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averageSize, counterDelta, perSecond } from '../../source/model/counters.js';

test('counterDelta: growth, a new counter, a reset', () => {
	const cases: [number | undefined, number, number][] = [
		[100, 150, 50], // grew
		[150, 150, 0], // idle
		[undefined, 70, 70], // appeared during the interval: all of it is new
		[5000, 30, 30], // went down: entry recreated, 30 since the reset
		[0, 0, 0],
		[2 ** 52, 2 ** 52 + 1, 1], // large counters stay exact
	];
	for (const [prev, cur, want] of cases) assert.equal(counterDelta(prev, cur), want, `${prev} -> ${cur}`);
});

test('perSecond and averageSize', () => {
	assert.equal(perSecond(1000, 0.5), 2000);
	assert.equal(perSecond(1000, 0), 0);
	assert.equal(averageSize(3000, 2), 1500);
	assert.equal(averageSize(3000, 0), 0);
});
