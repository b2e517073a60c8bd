// Retransmits model: filtered events, totals and per-flow counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_FILTER } from '../../source/model/filter.js';
import { retransView } from '../../source/model/retrans.js';
import { retrans } from '../fixtures/records.js';

test('totals and per-flow counts; segments add up', () => {
	const events = [retrans({ segs: 3 }), retrans({ segs: 1, kind: 'tlp' }), retrans({ lport: 40001, segs: 2 }), retrans({ kind: 'synack', pid: 0, comm: '', lport: 443, rport: 51000, segs: 1 })];
	const v = retransView(events, NO_FILTER);
	assert.deepEqual([v.count, v.segs], [4, 7]);
	assert.deepEqual(v.flows.map((f) => [f.lport, f.count, f.segs]), [
		[40000, 2, 4],
		[40001, 1, 2],
		[443, 1, 1],
	]);
});

test('a flow takes the owner from any event that knows it', () => {
	const v = retransView([retrans({ pid: 0, comm: '' }), retrans({ pid: 42, comm: 'nginx' })], NO_FILTER);
	assert.deepEqual([v.flows[0]!.pid, v.flows[0]!.comm], [42, 'nginx']);
});

test('filters', () => {
	const events = [retrans({ pid: 1 }), retrans({ pid: 2, rport: 22 }), retrans({ pid: 3, family: 6 })];
	assert.equal(retransView(events, { pids: new Set([1]), ports: new Set() }).count, 1);
	assert.equal(retransView(events, { pids: new Set(), ports: new Set([22]) }).events[0]!.pid, 2);
	assert.equal(retransView(events, { pids: new Set(), ports: new Set(), family: 4 }).count, 2);
});
