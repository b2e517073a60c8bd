// RTT snapshots keep each histogram packed: only the slots from its first in use to its last.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retainRtt } from '../../../source/features/rtt/snapshot.js';
import { histSlot, rtt, rttSnapshot } from '../../fixtures/records.js';

const whole = (s: ReturnType<typeof rttSnapshot>, i: number) => Array.from({ length: 27 }, (_, k) => histSlot(s, i, k));

test('packed histograms give back every slot, empty ones included', () => {
	const records = [rtt([5, 5, 40_000], { cookie: 1 }), rtt([], { cookie: 2 }), rtt([1, 2 ** 26], { cookie: 3 }), rtt([300], { cookie: 4 })];
	const s = rttSnapshot(records);
	records.forEach((r, i) => assert.deepEqual(whole(s, i), r.slots, `entry ${i}`));
	assert.equal(s.hist.length, 14 + 0 + 27 + 1, 'only the slots from the first in use to the last are kept');
	const kept = retainRtt(s);
	records.forEach((r, i) => assert.deepEqual(whole(kept, i), r.slots, `retained entry ${i}`));
});
