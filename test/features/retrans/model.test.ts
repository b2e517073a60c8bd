// Retransmits model: filtered events, totals and per-flow counts, and the recent events kept; its JSON (index.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_FILTER } from '../../../source/model/filter.js';
import { nextRecent, RECENT, retransView } from '../../../source/features/retrans/model.js';
import { retrans as retransFeature } from '../../../source/features/retrans/index.js';
import { retrans, retransSnap } from '../../fixtures/records.js';
import { featureJson } from '../../helpers/json-flow.js';

test('totals and per-flow counts; segments add up', () => {
	const events = [retrans({ segs: 3 }), retrans({ segs: 1, kind: 'tlp' }), retrans({ lport: 40001, segs: 2 }), retrans({ kind: 'synack', pid: 0, comm: '', lport: 443, rport: 51000, segs: 1 })];
	const v = retransView(retransSnap(events), NO_FILTER);
	assert.deepEqual([v.count, v.segs], [4, 7]);
	assert.deepEqual(v.flows.map((f) => [f.lport, f.count, f.segs]), [
		[40000, 2, 4],
		[40001, 1, 2],
		[443, 1, 1],
	]);
});

test('a flow takes the owner from any event that knows it', () => {
	const v = retransView(retransSnap([retrans({ pid: 0, comm: '' }), retrans({ pid: 42, comm: 'nginx' })]), NO_FILTER);
	assert.deepEqual([v.flows[0]!.pid, v.flows[0]!.comm], [42, 'nginx']);
});

test('filters', () => {
	const events = [retrans({ pid: 1 }), retrans({ pid: 2, rport: 22 }), retrans({ pid: 3, family: 6 })];
	assert.equal(retransView(retransSnap(events), { pids: new Set([1]), ports: new Set() }).count, 1);
	assert.equal(retransView(retransSnap(events), { pids: new Set(), ports: new Set([22]) }).events[0]!.pid, 2);
	assert.equal(retransView(retransSnap(events), { pids: new Set(), ports: new Set(), family: 4 }).count, 2);
});

test('the recent events: newest first, the interval\'s own among them, at most RECENT; filtered once, with their per-flow counts', () => {
	const older = [retrans({ time: 1, pid: 1 }), retrans({ time: 2, pid: 2, rport: 22 })];
	const newer = [retrans({ time: 3, pid: 1, segs: 4 })];
	const recent = nextRecent(nextRecent([], older), newer);
	assert.deepEqual(recent.map((e) => e.time), [3, 2, 1]);
	const v = retransView({ events: newer, recent, lost: 0 }, { pids: new Set([1]), ports: new Set() });
	assert.deepEqual([v.count, v.segs], [1, 4], 'the interval: its own events');
	assert.deepEqual(v.recent.map((e) => e.time), [3, 1], 'the recent ones that pass the filter');
	assert.deepEqual(v.recentFlows.map((f) => [f.pid, f.count, f.segs]), [[1, 2, 5]]);
	const many = Array.from({ length: RECENT + 7 }, (_, i) => retrans({ time: i }));
	const kept = nextRecent(recent, many);
	assert.equal(kept.length, RECENT);
	assert.equal(kept[0]!.time, RECENT + 6, 'the newest first');
	assert.equal(kept.at(-1)!.time, 7, 'the oldest that fit');
});

test('its JSON: the interval\'s count, segments, events with ISO times and no cookie, and flows; the namespace named, an owner not known null', () => {
	const v = retransView(retransSnap([retrans({ time: Date.UTC(2026, 10, 22, 12, 0, 0, 125), segs: 3 }), retrans({ time: Date.UTC(2026, 10, 22, 12, 0, 0, 126), lport: 40001, pid: 0, comm: '' })]), NO_FILTER);
	const flow = { netns: 4026531840, netns_name: 'web', family: 4, laddr: '10.0.0.1', lport: 40000, raddr: '10.0.0.2', rport: 443 };
	assert.deepEqual(featureJson(retransFeature, v, { netns: new Map([[4026531840, 'web']]) }), {
		count: 2,
		segs: 4,
		events: [
			{ time: '2026-11-22T12:00:00.125Z', pid: 100, comm: 'curl', ...flow, state: 'ESTABLISHED', segs: 3, kind: 'data', cgroup: null, container: null },
			{ time: '2026-11-22T12:00:00.126Z', pid: null, comm: null, ...flow, lport: 40001, state: 'ESTABLISHED', segs: 1, kind: 'data', cgroup: null, container: null },
		],
		flows: [
			{ pid: 100, comm: 'curl', ...flow, count: 1, segs: 3, cgroup: null, container: null },
			{ pid: null, comm: null, ...flow, lport: 40001, count: 1, segs: 1, cgroup: null, container: null },
		],
	});
});
