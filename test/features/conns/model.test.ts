// Connections model: per-namespace growth of the counters, events filtered, per-endpoint tables; the JSON value (index.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointRows } from '../../../source/features/conns/endpoint-model.js';
import { conns } from '../../../source/features/conns/index.js';
import { connsRows, connsView, type ConnCounts, type ConnEvent } from '../../../source/features/conns/model.js';
import { flowJson, Piece } from '../../../source/format/json-piece.js';
import { isoTime } from '../../../source/format/time.js';
import { cgroupFields, cgroupOf } from '../../../source/model/cgroup.js';
import type { RowNames } from '../../../source/model/reading.js';
import { NO_FILTER } from '../../../source/model/filter.js';
import { connsSnap } from '../../fixtures/records.js';
import { featureJson } from '../../helpers/json-flow.js';

const ZERO: ConnCounts = { active_opens: 0, passive_opens: 0, attempt_fails: 0, estab_resets: 0, out_rsts: 0, in_rsts: 0 };
const counts = (over: Partial<ConnCounts>): ConnCounts => ({ ...ZERO, ...over });
const FLOW = { netns: 7, family: 4 as const, laddr: '10.0.0.1', lport: 40000, raddr: '10.0.0.2', rport: 443, pid: 42, comm: 'curl', cgroupId: 0, state: 'ESTABLISHED' };
const ev = (over: Partial<ConnEvent>): ConnEvent => ({ ...FLOW, time: 0, type: 'connect', direction: 'connect', ...over });

test('rows: what each namespace\'s counters grew by, names and established connections; quiet namespaces left out', () => {
	const mib = (established: number, attemptFails: number) => ({ established, attemptFails });
	const prev = connsSnap({ counts: new Map([[7, counts({ active_opens: 10, out_rsts: 2 })], [8, counts({ passive_opens: 1 })], [11, counts({ attempt_fails: 4 })]]), mib: new Map([[8, mib(2, 0)], [11, mib(0, 100)]]) });
	const cur = connsSnap({
		counts: new Map([[7, counts({ active_opens: 15, out_rsts: 2, in_rsts: 1 })], [8, counts({ passive_opens: 1 })], [9, counts({ attempt_fails: 2 })], [11, counts({ attempt_fails: 5 })]]),
		mib: new Map([[8, mib(3, 0)], [10, mib(0, 0)], [11, mib(0, 104)]]),
	});
	const rows = connsRows(prev, cur, new Map([[7, 'web']]));
	assert.deepEqual(rows, [
		{ netns: 7, netns_name: 'web', ...counts({ active_opens: 5, in_rsts: 1 }) },
		{ netns: 8, netns_name: null, ...ZERO, handshake_fails: 0, established: 3 },
		{ netns: 9, netns_name: null, ...counts({ attempt_fails: 2 }) },
		{ netns: 11, netns_name: null, ...counts({ attempt_fails: 4 }), handshake_fails: 3, established: 0 },
	], 'namespace 11: the kernel counted 4 failures, nettop traced 1: 3 in the handshake');
	const view = connsView(prev, cur, NO_FILTER, new Map());
	assert.deepEqual(view.totals, { ...counts({ active_opens: 5, in_rsts: 1, attempt_fails: 6 }), handshake_fails: 3, established: 3 });
});

test('the filter narrows the events, never the counts (they are the kernel\'s)', () => {
	const cur = connsSnap({ counts: new Map([[7, counts({ active_opens: 2 })]]), events: [ev({ pid: 1 }), ev({ pid: 2, rport: 80 })] });
	const view = connsView(undefined, cur, { pids: new Set([2]), ports: new Set() }, new Map());
	assert.deepEqual(view.events.map((e) => e.pid), [2]);
	assert.deepEqual(view.recent.map((e) => e.pid), [2]);
	assert.equal(view.totals.active_opens, 2);
});

test('per remote endpoint: connects by the server they reach, accepts by the client address; per local port: the accepting side', () => {
	const events = [
		ev({ latencyUs: 100 }),
		ev({ latencyUs: 300 }),
		ev({ type: 'close', durationMs: 10 }),
		ev({ type: 'close', durationMs: 30 }),
		ev({ type: 'fail', reason: 'refused', rport: 81 }),
		ev({ type: 'accept', direction: 'accept', lport: 8080, raddr: '10.0.0.9', rport: 50000 }),
		ev({ type: 'reset_out', direction: undefined, noSocket: true, lport: 9999, raddr: '10.0.0.9', rport: 50001 }),
		ev({ raddr: 'fd00::2', latencyUs: 50 }),
	];
	const remote = endpointRows(events, 'remote');
	assert.deepEqual(
		remote.map((r) => [r.key, r.opens, r.fails, r.resets, r.closes, r.latencyAvg, r.latencyP99, r.lifetimeAvg]),
		[
			['10.0.0.2:443', 2, 0, 0, 2, 200, 300, 20],
			['10.0.0.9', 1, 0, 1, 0, undefined, undefined, undefined],
			['[fd00::2]:443', 1, 0, 0, 0, 50, 50, undefined],
			['10.0.0.2:81', 0, 1, 0, 0, undefined, undefined, undefined],
		],
	);
	assert.deepEqual(
		endpointRows(events, 'port').map((r) => [r.key, r.opens, r.resets]),
		[['8080', 1, 0], ['9999', 0, 1]],
		'connects leave out: their local port is ephemeral',
	);
});

test('JSON: counts per namespace and the interval\'s events with the fields of their type', () => {
	const time = Date.UTC(2026, 11, 2, 1, 2, 3, 400);
	const cur = connsSnap({
		counts: new Map([[7, counts({ active_opens: 1 })]]),
		events: [ev({ time, latencyUs: 85 }), ev({ time, type: 'close', durationMs: 12.5004, txBytes: 10, rxBytes: 20, abort: false }), ev({ time, type: 'fail', reason: 'refused' }), ev({ time, type: 'reset_out', direction: undefined, noSocket: true, pid: 0, comm: '' })],
		eventsLost: 3,
		eventsSampled: 10,
	});
	const names = new Map([[7, 'web']]);
	const j = featureJson(conns, connsView(connsSnap({ eventsLost: 1, eventsSampled: 4 }), cur, NO_FILTER, names), { netns: names });
	assert.deepEqual(j.counts, [{ netns: 7, netns_name: 'web', ...counts({ active_opens: 1 }) }]);
	assert.deepEqual([j.events_lost, j.events_sampled, j.not_seen], [2, 6, []]);
	const base = { time: '2026-12-02T01:02:03.400Z', pid: 42, comm: 'curl', netns: 7, netns_name: 'web', family: 4, laddr: '10.0.0.1', lport: 40000, raddr: '10.0.0.2', rport: 443, cgroup: null, container: null };
	assert.deepEqual(j.events[0], { ...base, type: 'connect', direction: 'connect', latency_us: 85 });
	assert.deepEqual(j.events[1], { ...base, type: 'close', direction: 'connect', duration_ms: 12.5, tx_bytes: 10, rx_bytes: 20, abort: false });
	assert.deepEqual(j.events[2], { ...base, type: 'fail', direction: 'connect', reason: 'refused' });
	assert.deepEqual(j.events[3], { ...base, pid: null, comm: null, type: 'reset_out', direction: null, no_socket: true }, 'every event has a direction: null when nettop did not see the connection open');
	assert.deepEqual(j.events.map((e: object) => Object.keys(e).slice(0, 4)), Array(4).fill(['time', 'type', 'direction', 'pid']));
});

/** An event as the JSON line wrote it before it was written row by row: its object, for JSON.stringify. */
function eventObject(e: ConnEvent, names: RowNames): object {
	const o: Record<string, unknown> = { time: isoTime(e.time), type: e.type, direction: e.direction ?? null, ...flowJson(e, names.netns), ...cgroupFields(names.cgroups, e.cgroupId) };
	if (e.type === 'close') Object.assign(o, { duration_ms: e.durationMs === undefined ? null : Math.round(e.durationMs * 1000) / 1000, tx_bytes: e.txBytes, rx_bytes: e.rxBytes, abort: e.abort === true });
	else if (e.type === 'fail') o.reason = e.reason;
	else if (e.type === 'connect') {
		if (e.latencyUs !== undefined) o.latency_us = e.latencyUs;
	} else if (e.noSocket) o.no_socket = true;
	else o.state = e.state;
	return o;
}

test('JSON: the events written row by row, many across pieces, are byte for byte JSON.stringify of their objects: every type, owners, names and a comm to escape, IPv6, fractions', () => {
	const types = ['connect', 'accept', 'close', 'fail', 'reset_in', 'reset_out'] as const;
	const comms = ['curl', 'a "quoted"\\name', 'tab\there\u0007', 'caf\u00e9', ''];
	const events = Array.from({ length: 700 }, (_, k): ConnEvent => {
		const type = types[k % 6]!;
		const comm = comms[k % 5]!;
		return ev({
			time: 1_764_640_923_007 + k * 13.7,
			type,
			direction: k % 7 === 0 ? undefined : k % 2 === 0 ? 'connect' : 'accept',
			pid: comm === '' ? 0 : 100 + k,
			comm,
			netns: k % 3 === 0 ? 8 : 7,
			cgroupId: k % 4 === 0 ? 5 : 0,
			...(k % 11 === 0 ? { family: 6 as const, laddr: 'fd00::1', raddr: 'fd00::2' } : {}),
			lport: 1000 + k,
			durationMs: type === 'close' && k % 5 !== 1 ? k * 1.0000004 + 0.0123456 : undefined,
			txBytes: type === 'close' ? k * 1000 : undefined,
			rxBytes: type === 'close' ? 2 ** 40 + k : undefined,
			abort: type === 'close' ? k % 3 === 0 : undefined,
			latencyUs: type === 'connect' && k % 4 !== 0 ? k : undefined,
			reason: type === 'fail' ? ['refused', 'timed out', 'no SYN sent'][k % 3] : undefined,
			noSocket: type === 'reset_out' && k % 2 === 0 ? true : undefined,
			state: ['ESTABLISHED', 'SYN_SENT', 'CLOSE_WAIT'][k % 3]!,
		});
	});
	const names: RowNames = { netns: new Map([[7, 'web "a"']]), cgroups: { get: (id) => (id === 5 ? cgroupOf(5, '/system.slice/docker-0123456789abcdef.scope') : undefined) } };
	const out = new Piece();
	const pieces = [...conns.json(connsView(undefined, connsSnap({ events }), NO_FILTER, names.netns), out, names)];
	assert.ok(pieces.length >= 2, 'written across pieces');
	const text = Buffer.concat([...pieces, out.take(true)]).toString('utf8');
	const events_ = events.map((e) => eventObject(e, names));
	assert.equal(text, JSON.stringify({ counts: [], not_seen: [], events_sampled: 0, events_lost: 0, events: events_ }));
});

test('event times are written as toISOString writes them', () => {
	const times = [0, 999, 1000, 1_764_640_923_007, 1_764_640_923_999.9, Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1)];
	for (let t = 1_764_640_000_000; t < 1_764_640_010_000; t += 137.3) times.push(t);
	assert.deepEqual(times.map(isoTime), times.map((t) => new Date(t).toISOString()));
});
