// Traffic against real sockets: UDP bytes per process exact at both ends, and the cgroup (a docker-like scope the test makes) on every row of the process in it.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { cgroup2Mount } from '../../source/kernel/cgroups.js';
import { requireBpf } from '../helpers/bpf.js';
import { removeCgroup, removeStaleCgroups, testCgroup } from '../helpers/cgroups.js';
import { sleep } from '../helpers/exec.js';
import type { JsonFlow } from '../helpers/json-flow.js';
import { testHosts } from '../helpers/netns.js';
import { NettopProcess } from '../helpers/nettop.js';
import { Peer, receiver } from '../helpers/peers.js';

interface Row extends Omit<JsonFlow, 'raddr' | 'rport'> {
	raddr: string | null;
	rport: number | null;
	tx_bytes: number;
	rx_bytes: number;
	cgroup: string | null;
	container: string | null;
}
interface Line {
	tcp: Row[];
	udp: Row[];
}

/**
 * udprecv HOST PORT N: receive N datagrams, print the bytes. udpsend V4 V6
 * PORT TCPHOST TCPPORT: wait to be in a docker scope, then send datagrams of known
 * sizes to each receiver, once over a connected socket and once with sendto()
 * on an unconnected one, and 100,000 bytes over TCP; print the UDP bytes sent.
 */
const SCRIPT = `
import socket, sys
SIZES = [1, 64, 512, 1000, 1400] * 20
role = sys.argv[1]
if role == 'udprecv':
    host, port, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((host, port))
    print('listening', flush=True)
    total = 0
    for _ in range(n):
        total += len(s.recv(65536))
    print(total, flush=True)
else:
    v4, v6, port, tcphost, tcpport = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
    print('ready', flush=True)
    import time
    for _ in range(1000):  # until the test has moved it into the container's scope (10 s at most)
        if 'docker-' in open('/proc/self/cgroup').read():
            break
        time.sleep(0.01)
    sent = 0
    for host in (v4, v6):
        fam = socket.AF_INET6 if ':' in host else socket.AF_INET
        c = socket.socket(fam, socket.SOCK_DGRAM); c.connect((host, port))
        u = socket.socket(fam, socket.SOCK_DGRAM)
        for n in SIZES:
            sent += c.send(b'x' * n)
            sent += u.sendto(b'y' * n, (host, port))
    t = socket.create_connection((tcphost, tcpport))
    t.sendall(b'z' * 100000); t.shutdown(socket.SHUT_WR); t.recv(1)
    print(sent, flush=True)
`;
const DATAGRAMS = 100; // per socket: SIZES above
const BYTES_PER_SOCKET = (1 + 64 + 512 + 1000 + 1400) * 20;
const CONTAINER_ID = '8d2f4c1b9e7a6350fedcba9876543210aabbccddeeff00112233445566778899';

const hosts = testHosts(4, true);
before(() => removeStaleCgroups());

test('UDP per process exact at sender and receivers (connected and not, IPv4 and IPv6); the sender\'s cgroup, a docker scope, on its tcp and udp rows; --cgroup keeps only its rows', async (t) => {
	if (!(await requireBpf(t))) return;
	const mount = cgroup2Mount();
	assert.ok(mount, 'cgroup v2 is mounted (/proc/mounts)');
	const net = await hosts();
	const { a, b } = net;
	const parent = testCgroup();
	const scope = path.join(parent, `docker-${CONTAINER_ID}.scope`);
	const peers: Peer[] = [];
	try {
		mkdirSync(scope);
		const all = new NettopProcess(['--json', '-i', '0.5']);
		const only = new NettopProcess(['--json', '-i', '0.5', '--cgroup', CONTAINER_ID.slice(0, 12)]);
		await all.waitForLines(1);
		await only.waitForLines(1);
		const recv = async (ip: string) => {
			const p = new Peer(net.spawn(b, 'python3', ['-c', SCRIPT, 'udprecv', ip, '7301', String(2 * DATAGRAMS)]));
			await p.waitFor('listening');
			return p;
		};
		const r4 = await recv(b.ip4);
		const r6 = await recv(b.ip6);
		const tcpPeer = await receiver(net, b, 7302);
		const s = new Peer(net.spawn(a, 'python3', ['-c', SCRIPT, 'udpsend', b.ip4, b.ip6, '7301', b.ip4, '7302']));
		peers.push(r4, r6, tcpPeer, s);
		await s.waitFor('ready');
		// Into the scope before its first socket: the owner's cgroup is read when the owner is stamped.
		writeFileSync(path.join(scope, 'cgroup.procs'), String(s.pid));
		assert.equal(await s.done(), 4 * BYTES_PER_SOCKET, 'the sender sent every datagram whole');
		assert.equal(await r4.done(), 2 * BYTES_PER_SOCKET);
		assert.equal(await r6.done(), 2 * BYTES_PER_SOCKET);
		assert.equal(await tcpPeer.done(), 100_000);
		await sleep(200);
		for (const n of [all, only]) {
			await n.waitForLines(n.lines.length + 2);
			n.kill('SIGINT');
			assert.equal(await n.exited(), 0, n.stderr);
		}
		const lines = all.json<Line>().slice(1);
		const udp = lines.flatMap((l) => l.udp);
		const sum = (rows: Row[], pid: number, k: 'tx_bytes' | 'rx_bytes') => rows.filter((r) => r.pid === pid).reduce((n, r) => n + r[k], 0);
		t.diagnostic(`udp tx ${sum(udp, s.pid, 'tx_bytes')} rx ${sum(udp, r4.pid, 'rx_bytes')} ${sum(udp, r6.pid, 'rx_bytes')}`);
		assert.equal(sum(udp, s.pid, 'tx_bytes'), 4 * BYTES_PER_SOCKET, 'every byte the sender sent, as its UDP rows');
		assert.equal(sum(udp, r4.pid, 'rx_bytes'), 2 * BYTES_PER_SOCKET, 'IPv4 receiver');
		assert.equal(sum(udp, r6.pid, 'rx_bytes'), 2 * BYTES_PER_SOCKET, 'IPv6 receiver');
		const sockets = new Map<string, Row>();
		for (const r of udp.filter((r) => r.pid === s.pid)) sockets.set(`${r.family}|${r.lport}`, r);
		const shapes = [...sockets.values()].map((r) => [r.family, r.raddr, r.rport]).sort((x, y) => String(x).localeCompare(String(y)));
		assert.deepEqual(
			shapes,
			[
				[4, b.ip4, 7301],
				[4, null, null],
				[6, b.ip6, 7301],
				[6, null, null],
			].sort((x, y) => String(x).localeCompare(String(y))),
			'four sockets: connected ones name their peer, the others have no remote end',
		);
		const tcpRows = lines.flatMap((l) => l.tcp);
		assert.equal(sum(tcpRows, s.pid, 'tx_bytes'), 100_000, 'its TCP bytes too');
		const cgroup = `/${path.relative(mount, scope)}`;
		for (const r of [...udp, ...tcpRows].filter((r) => r.pid === s.pid)) {
			assert.deepEqual([r.cgroup, r.container], [cgroup, CONTAINER_ID.slice(0, 12)], 'the sender\'s rows carry its cgroup and container');
		}
		const receiverRow = udp.find((r) => r.pid === r4.pid)!;
		assert.notEqual(receiverRow.cgroup, cgroup, 'the receiver is not in it');
		assert.equal(receiverRow.container, null);

		const filtered = only.json<Line>().slice(1);
		const kept = filtered.flatMap((l) => [...l.tcp, ...l.udp]);
		assert.ok(kept.length > 0, '--cgroup kept the sender\'s rows');
		assert.deepEqual([...new Set(kept.map((r) => r.pid))], [s.pid], '--cgroup kept only the rows of the process in that container');
		assert.equal(sum(filtered.flatMap((l) => l.udp), s.pid, 'tx_bytes'), 4 * BYTES_PER_SOCKET);
	} finally {
		for (const p of peers) p.child.kill('SIGKILL');
		await removeCgroup(parent); // kills what is still in the scope first
	}
});
