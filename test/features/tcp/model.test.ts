// tcptop model: deltas per (socket, process), filters, grouping by process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tcpGroups, tcpProcesses, tcpRows } from '../../../source/features/tcp/model.js';
import { cgroupOf } from '../../../source/model/cgroup.js';
import { NO_FILTER } from '../../../source/model/filter.js';
import { tcp, tcpSnap } from '../../fixtures/records.js';

test('deltas per connection; idle ones left out; busiest first; closed sockets count their last bytes', () => {
	const prev = [tcp(100, 0, { cookie: 1 }), tcp(0, 50, { cookie: 2, pid: 7 }), tcp(10, 10, { cookie: 3 })];
	const cur = [tcp(150, 0, { cookie: 1 }), tcp(0, 950, { cookie: 2, pid: 7 }), tcp(10, 10, { cookie: 3 }), tcp(5, 0, { cookie: 4 })];
	const rows = tcpRows(tcpSnap(prev), tcpSnap(cur), NO_FILTER);
	assert.deepEqual(rows.records().map((r) => [r.pid, r.tx_bytes, r.rx_bytes]), [
		[7, 0, 900],
		[100, 50, 0],
		[100, 5, 0],
	]);
});

test('the same socket used by two processes is two rows', () => {
	const rows = tcpRows(undefined, tcpSnap([tcp(10, 0, { pid: 1 }), tcp(20, 0, { pid: 2 })]), NO_FILTER);
	assert.deepEqual(rows.records().map((r) => [r.pid, r.tx_bytes]), [
		[2, 20],
		[1, 10],
	]);
});

test('pid, port and family filters', () => {
	const cur = [tcp(1, 0, { cookie: 1, pid: 1, lport: 80 }), tcp(1, 0, { cookie: 2, pid: 2, rport: 80 }), tcp(1, 0, { cookie: 3, pid: 3, family: 6 })];
	const pids = (f: Parameters<typeof tcpRows>[2]) => tcpRows(undefined, tcpSnap(cur), f).records().map((r) => r.pid).sort();
	assert.deepEqual(pids({ pids: new Set([2, 3]), ports: new Set() }), [2, 3]);
	assert.deepEqual(pids({ pids: new Set(), ports: new Set([80]) }), [1, 2], 'local or remote port');
	assert.deepEqual(pids({ pids: new Set(), ports: new Set(), family: 6 }), [3]);
	assert.deepEqual(pids({ pids: new Set([1]), ports: new Set([22]) }), [], 'filters combine');
});

test('tcpProcesses adds up connections per pid', () => {
	const rows = tcpRows(undefined, tcpSnap([tcp(10, 1, { cookie: 1 }), tcp(30, 2, { cookie: 2 }), tcp(5, 0, { cookie: 3, pid: 9, comm: 'ssh' })]), NO_FILTER);
	assert.deepEqual(tcpProcesses(rows).map((p) => [p.pid, p.comm, p.tx_bytes, p.rx_bytes, p.connections]), [
		[100, 'curl', 40, 3, 2],
		[9, 'ssh', 5, 0, 1],
	]);
});

test('UDP rows apart (JSON udp), an unconnected socket without a remote end; cgroups on rows, filtered by --cgroup, grouped by container', () => {
	const groups = new Map([
		[5, cgroupOf(5, '/system.slice/docker-0123456789abcdef.scope')],
		[6, cgroupOf(6, '/user.slice')],
	]);
	const cgroups = { get: (id: number) => groups.get(id) };
	const cur = [tcp(100, 0, { cookie: 1, cgroupId: 5 }), tcp(0, 40, { cookie: 2, proto: 'udp', pid: 7, rport: 0, raddr: '0.0.0.0', cgroupId: 5 }), tcp(9, 0, { cookie: 3, pid: 8, cgroupId: 6 })];
	const rows = tcpRows(undefined, tcpSnap(cur), NO_FILTER, undefined, cgroups);
	assert.deepEqual(rows.only('tcp').records().map((r) => [r.pid, r.container]), [[100, '0123456789ab'], [8, null]]);
	const udp = rows.only('udp').records();
	assert.deepEqual(udp.map((r) => [r.pid, r.raddr, r.rport, r.rx_bytes, r.cgroup]), [[7, null, null, 40, '/system.slice/docker-0123456789abcdef.scope']]);
	const only = tcpRows(undefined, tcpSnap(cur), { ...NO_FILTER, cgroup: '0123456789' }, undefined, cgroups);
	assert.deepEqual(only.records().map((r) => r.pid).sort(), [100, 7].sort());
	assert.deepEqual(
		tcpGroups(rows, 'container').map((g) => [g.name, g.processes, g.connections, g.tx_bytes + g.rx_bytes]),
		[
			['0123456789ab', 2, 2, 140],
			['/user.slice', 1, 1, 9],
		],
	);
	assert.deepEqual(tcpProcesses(rows).map((p) => [p.pid, p.protos]), [[100, 'tcp'], [7, 'udp'], [8, 'tcp']]);
});
