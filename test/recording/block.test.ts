// Readings as blocks and back: the JSON a replay prints equals live's byte for byte, with and without a filter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DropEvent, DropFlow } from '../../source/features/drops/model.js';
import type { Reading } from '../../source/features/index.js';
import type { LatencyPacket } from '../../source/features/latency/model.js';
import type { ConnEvent } from '../../source/features/conns/model.js';
import type { RetransEvent } from '../../source/features/retrans/model.js';
import { cgroupOf, type Cgroup } from '../../source/model/cgroup.js';
import { NO_FILTER, type Filter } from '../../source/model/filter.js';
import { jsonPieces } from '../../source/output/json.js';
import { buildSample } from '../../source/pipeline.js';
import { BlockDecoder, BlockEncoder } from '../../source/recording/block.js';
import { connsSnap, dropsSnap, latencySnap, nic, raw, retrans, rtt, tcp } from '../fixtures/records.js';

const HOST = 4026531840;
const CGROUPS = new Map<number, Cgroup>([
	[5, cgroupOf(5, '/system.slice/docker-0123456789abcdef.scope')],
	[6, cgroupOf(6, '/user.slice/session-1.scope')],
]);
const named = (r: Reading): Reading => ({ ...r, netnsNames: new Map([[HOST, 'web']]), cgroups: { get: (id) => CGROUPS.get(id) } });
const flowOf = (pid: number, comm: string, lport: number) => ({ pid, comm, netns: HOST, family: 4 as const, laddr: '10.0.0.1', lport, raddr: '10.0.0.2', rport: 443 });

function packet(k: number, over: Partial<LatencyPacket> = {}): LatencyPacket {
	return { time: 1_700_000_000_000 + k, dir: 'send', ...flowOf(100, 'curl', 40000), ifindex: 2, ifname: 'eth0', queue: 0, proto: 'tcp', cgroupId: 5, len: 1500, stages: { stack: 2.5, qdisc: 10 + k, driver: 1, socket: null }, paced: false, segments: 1, segmented: false, ...over };
}

const recentOf = (r: Reading | undefined, key: 'retrans' | 'conns' | 'drops' | 'latency') => ((r?.[key] as { recent?: never[] } | undefined)?.recent ?? []) as never[];

/** Interval k of a busy host: flows come and go, counters grow, events in every feature, owners in two cgroups; recent lists grown from `before`'s. */
function reading(k: number, before?: Reading): Reading {
	const curl = { cgroupId: 5 };
	const shell = { pid: 200, comm: 'sh', cgroupId: 6 };
	const drop = { ...flowOf(0, '', 7002), cgroupId: 0, reason: 'SOCKET_RCVBUFF' };
	const connEvents: ConnEvent[] = k % 2 ? [{ time: k, type: 'connect', direction: 'connect', ...flowOf(100, 'curl', 40000 + k), cgroupId: 5, state: 'ESTABLISHED', latencyUs: 85 + k }] : [{ time: k, type: 'reset_out', ...flowOf(0, '', 9999), cgroupId: 0, state: 'CLOSE', noSocket: true }];
	return named(
		raw(k * 1000.25, {
			nic: { counters: [nic(1000 * k, { ifname: 'eth0' }), nic(500 * k, { ifindex: 3, queue: 1, ifname: 'veth0' })], lost: 0 },
			tcp: { counters: [tcp(100 * k, 20 * k, curl), ...(k % 3 ? [tcp(5 * k, k, { ...shell, cookie: 2, proto: 'udp', lport: 53, raddr: '0.0.0.0', rport: 0 })] : []), tcp(7, 7, { cookie: 3 + k, lport: 3000 + k })], lost: k > 3 ? 1 : 0 },
			rtt: { counters: [rtt([40, 50 + k, 60 * k], curl), rtt([80], { ...shell, cookie: 2, lport: 40001 })], lost: 0 },
			retrans: { events: k % 2 ? [retrans(curl), retrans({ ...shell, lport: 40001 })] : ([] as RetransEvent[]), lost: 0, recent: recentOf(before, 'retrans') },
			conns: connsSnap({ counts: new Map([[HOST, { connects: k, accepts: 2 * k } as never]]), events: connEvents, eventsLost: k > 2 ? 1 : 0, before: recentOf(before, 'conns') }),
			drops: dropsSnap({
				flows: new Map<number, DropFlow>([[1, { ...drop, state: '', count: 3 + k }]]),
				events: k % 2 ? [] : [{ ...drop, time: 0, location: 'sk_rcvqueues_full', ifname: 'lo', protocol: 'ipv4/udp', state: '', socket: true } satisfies DropEvent],
				before: recentOf(before, 'drops'),
			}),
			latency: k < 2 ? latencySnap({ state: 'off', before: recentOf(before, 'latency') }) : latencySnap({ packets: [packet(k), packet(k, { pid: 0, comm: '', cgroupId: 0, proto: '' })], before: recentOf(before, 'latency') }),
		}),
	);
}

const FILTERS: [string, Filter][] = [
	['none', NO_FILTER],
	['-p 200', { pids: new Set([200]), ports: new Set() }],
	['-P 443', { pids: new Set(), ports: new Set([443]) }],
	['--cgroup docker', { pids: new Set(), ports: new Set(), cgroup: 'docker' }],
	['-l', { pids: new Set(), ports: new Set(), noLoopback: true }],
];

const line = (prev: Reading, cur: Reading, filter: Filter) => Buffer.concat([...jsonPieces(buildSample(prev, cur, filter))]).toString('utf8');

test('replayed readings make the JSON live made, byte for byte, with every filter; full blocks every 4, deltas between', () => {
	const live: Reading[] = [];
	for (let k = 0; k < 10; k++) live.push(reading(k, live[k - 1]));
	const enc = new BlockEncoder();
	const dec = new BlockDecoder();
	const replayed = live.map((r, k) => dec.decode(enc.encode(r, k % 4 === 0), k % 4 === 0, `block ${k}`));
	for (const [name, filter] of FILTERS) {
		for (let k = 1; k < live.length; k++) assert.equal(line(replayed[k - 1]!, replayed[k]!, filter), line(live[k - 1]!, live[k]!, filter), `interval ${k}, filter ${name}`);
	}
	// The recent lists, not recorded, are made again as the collectors made them.
	for (const key of ['retrans', 'conns', 'drops', 'latency'] as const) {
		assert.ok(recentOf(live.at(-1), key).length > 1, `${key}: a recent list to compare`);
		assert.deepEqual(recentOf(replayed.at(-1), key), recentOf(live.at(-1), key), key);
	}
	assert.equal(replayed[5]!.cgroups?.get(5)?.container, '0123456789ab', 'a cgroup named in the recording, its container worked out again');
});

test('an unchanged reading is a few bytes; a delta block with no full block before it is refused', () => {
	const enc = new BlockEncoder();
	const r = reading(3);
	const full = enc.encode(r, true);
	const again = enc.encode({ ...r, mono: r.mono + 1000, wall: r.wall + 1000 }, false);
	assert.ok(full.length > 500, `full: ${full.length}`);
	assert.ok(again.length < 40, `the same reading a second later: ${again.length} bytes`);
	assert.throws(() => new BlockDecoder().decode(again, false, 'block 1'), /block 1: a delta block with no full block before it/);
});

test('an unavailable feature is recorded as such, with its reason', () => {
	const r = { ...reading(1), tcp: { unavailable: 'no BTF' } } as Reading;
	const back = new BlockDecoder().decode(new BlockEncoder().encode(r, true), true, 'block 0');
	assert.deepEqual(back.tcp, { unavailable: 'no BTF' });
});
