// A node with 200 pods: named namespaces, idle or busy, against each one's own MIBs; namespaces made and deleted while nettop runs leave nothing behind.
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { requireBpf } from '../helpers/bpf.js';
import { run, sleep, start } from '../helpers/exec.js';
import type { CountsRow } from '../helpers/json-flow.js';
import { IdleNamespaces, snmpIn } from '../helpers/netns.js';
import { mapNetns, NettopProcess } from '../helpers/nettop.js';
import { NETNS_RUN_DIR, netnsNames, RETIRE_MS } from '../../source/kernel/netns.js';
import { Peer } from '../helpers/peers.js';
import { Unrun } from '../helpers/unrun.js';

interface Line {
	conns: { counts: CountsRow[] };
	drops: { listen: { netns: number; listen_overflows: number; listen_drops: number }[] };
}

const MIB = { active_opens: 'ActiveOpens', passive_opens: 'PassiveOpens', attempt_fails: 'AttemptFails', estab_resets: 'EstabResets', out_rsts: 'OutRsts' } as const;

/**
 * On loopback in one namespace: 20 connections that send and close, 10
 * connects to a closed port (refused), one closed with SO_LINGER 0 (an
 * RST), and 20 connects at a listener that never accepts (its accept queue
 * overflows); then "done".
 */
const TRAFFIC = `
import socket, struct, threading, time
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); srv.bind(('127.0.0.1', 7601)); srv.listen(64)
def serve():
    while True:
        c, _ = srv.accept(); c.recv(100); c.close()
threading.Thread(target=serve, daemon=True).start()
for i in range(20):
    c = socket.create_connection(('127.0.0.1', 7601)); c.sendall(b'x' * 10); c.recv(1); c.close()
for i in range(10):
    try: socket.create_connection(('127.0.0.1', 7602))
    except ConnectionRefusedError: pass
c = socket.create_connection(('127.0.0.1', 7601)); c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); c.close()
l = socket.socket(); l.bind(('127.0.0.1', 7603)); l.listen(1)
socks = []
for i in range(20):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(('127.0.0.1', 7603))
    except BlockingIOError: pass
    socks.append(c)
time.sleep(2); print('done', flush=True)
`;

const inode = (name: string) => statSync(`/run/netns/${name}`).ino;

/** Each namespace's Tcp counters and listen overflows now. */
async function mibsOf(names: readonly string[]): Promise<Record<string, number>[]> {
	return Promise.all(
		names.map(async (ns) => {
			const out: Record<string, number> = {};
			for (const [key, name] of Object.entries(MIB)) out[key] = await snmpIn(ns, 'Tcp', name);
			out.listen_overflows = await snmpIn(ns, 'TcpExt', 'ListenOverflows');
			return out;
		}),
	);
}

const moved = (r: CountsRow) => Object.keys(MIB).some((k) => (r[k as keyof typeof MIB] ?? 0) > 0) || r.in_rsts > 0 || (r.handshake_fails ?? 0) > 0;

test('200 named namespaces, traffic in 3: each busy one\'s opens, failures and resets equal its Tcp MIB, its listen overflows its TcpExt; the idle ones count nothing', async (t) => {
	if (!(await requireBpf(t))) return;
	const many = await IdleNamespaces.create(200, 'pods');
	const nettop = new NettopProcess(['--json', '-i', '0.5']);
	let unrun: Unrun | undefined;
	try {
		await nettop.waitForLines(2);
		unrun = await Unrun.open({ 'sock/inet_sock_set_state': ['nt_conn_state'], 'tcp/tcp_send_reset': ['nt_conn_rst_out'], 'tcp/tcp_receive_reset': ['nt_conn_rst_in'] });
		const busy = [many.names[7]!, many.names[99]!, many.names[180]!];
		const ours = new Set(busy.map(inode));
		const quiet = (l: Line) => !l.conns.counts.some((r) => ours.has(r.netns) && moved(r)) && !l.drops.listen.some((r) => ours.has(r.netns) && r.listen_overflows + r.listen_drops > 0);
		const before = await nettop.settle(() => mibsOf(busy), quiet);
		await Promise.all(busy.map((ns) => new Peer(start('ip', ['netns', 'exec', ns, 'python3', '-c', TRAFFIC])).done(60_000)));
		const after = await nettop.settle(() => mibsOf(busy), quiet, 60_000);
		const unseen = Object.values(await unrun.skipped()).reduce((n, k) => n + k, 0);
		nettop.kill('SIGINT');
		assert.equal(await nettop.exited(), 0, nettop.stderr);
		const all = nettop.json<Line>();
		const lines = all.slice(before.index, after.index);
		t.diagnostic(`hits the kernel ran no connection program for: ${unseen}`);
		busy.forEach((ns, i) => {
			const rows = lines.flatMap((l) => l.conns.counts.filter((r) => r.netns === inode(ns)));
			const counted = Object.fromEntries(Object.keys(MIB).map((k) => [k, rows.reduce((s, r) => s + r[k as keyof typeof MIB], 0)]));
			const grown = Object.fromEntries(Object.keys(MIB).map((k) => [k, after.value[i]![k]! - before.value[i]![k]!]));
			t.diagnostic(`${ns}: counted ${JSON.stringify(counted)}, the MIB grew ${JSON.stringify(grown)}`);
			assert.ok(grown.active_opens! >= 21 && grown.attempt_fails! >= 10, `${ns}: the traffic ran`);
			if (unseen === 0) assert.deepEqual(counted, grown, `${ns}: counts equal its Tcp MIB's growth`);
			const overflows = lines.flatMap((l) => l.drops.listen.filter((r) => r.netns === inode(ns))).reduce((s, r) => s + r.listen_overflows, 0);
			const overflowed = after.value[i]!.listen_overflows! - before.value[i]!.listen_overflows!;
			assert.ok(overflowed > 0, `${ns}: the accept queue overflowed`);
			assert.equal(overflows, overflowed, `${ns}: listen overflows equal its TcpExt ListenOverflows' growth`);
		});
		const idle = new Set(many.names.filter((n) => !busy.includes(n)).map(inode));
		assert.deepEqual(all.flatMap((l) => l.conns.counts.filter((r) => idle.has(r.netns) && moved(r))), [], 'no count for an idle namespace');
		assert.deepEqual(all.flatMap((l) => l.drops.listen.filter((r) => idle.has(r.netns))), [], 'no listen overflow for an idle one');
	} finally {
		unrun?.close();
		nettop.kill('SIGINT');
		await many.destroy();
	}
});

/** nettop's open descriptors by what they lead to, numbers left out (net:[4026532304] is net:[]). */
function descriptors(pid: number): Record<string, number> {
	const out: Record<string, number> = {};
	for (const fd of readdirSync(`/proc/${pid}/fd`)) {
		let target: string;
		try {
			target = readlinkSync(`/proc/${pid}/fd/${fd}`);
		} catch {
			continue; /* closed meanwhile */
		}
		const kind = target.replace(/\[\d+\]$/, '[]');
		out[kind] = (out[kind] ?? 0) + 1;
	}
	return out;
}

/** In each namespace named: a connect to a closed port on loopback (refused): a count and a drop there, entries in nettop's maps for it. */
const REFUSED_IN_EACH = `
import ctypes, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
for name in sys.argv[1:]:
    fd = os.open('/run/netns/' + name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0: raise OSError(ctypes.get_errno(), 'setns ' + name)
    os.close(fd)
    s = socket.socket(); s.connect_ex(('127.0.0.1', 9)); s.close()
`;

/**
 * nettop's maps with an entry per namespace (or per namespace and more).
 * Not the NIC's names: a name stays while a per-CPU cache slot holds its
 * interface's key, and a slot stays its first key's (bpf/nic.h): as many as
 * the slots at most.
 */
const NETNS_MAPS = ['conns_counts', 'drops_counts', 'drops_ifnames', 'nic_stats'] as const;

test('namespaces made and deleted 10 a second for 30 s while nettop runs, a connection refused in each: no descriptor left, their map entries deleted once gone, no error', async (t) => {
	if (!(await requireBpf(t))) return;
	// One named throughout: nettop then holds its way home (one descriptor, kept) before the count below.
	const stays = await IdleNamespaces.create(1, 'stays');
	const nettop = new NettopProcess(['--json', '-i', '0.5']);
	const made: string[] = [];
	const churned = new Set<number>();
	const held = async () => Object.fromEntries(await Promise.all(NETNS_MAPS.map(async (m) => [m, (await mapNetns(m)).filter((ns) => churned.has(ns)).length] as const)));
	try {
		await nettop.waitForLines(3);
		const fds = descriptors(nettop.pid);
		// One at a time, each deleted 2 s after it was made: nettop reads each while it exists, and meets some mid-interval.
		const batch = (verb: string, names: readonly string[]) => run('sh', ['-c', names.map((n) => `ip netns ${verb} ${n}${verb === 'add' ? ` && ip -n ${n} link set lo up` : ''}`).join('; ')], 60_000);
		let during: Record<string, number> = {};
		for (let s = 0; s < 30; s++) {
			const names = Array.from({ length: 10 }, (_, i) => IdleNamespaces.nameOf('churn', s * 10 + i));
			made.push(...names);
			const ticked = sleep(1000);
			await batch('add', names);
			for (const n of names) churned.add(inode(n));
			await run('python3', ['-c', REFUSED_IN_EACH, ...names], 60_000);
			if (s >= 2) await batch('del', made.slice((s - 2) * 10, (s - 1) * 10));
			if (s === 29) during = await held();
			await ticked;
		}
		await batch('del', made.slice(280));
		const deleted = nettop.lines.length;
		// Gone once their counts stood still RETIRE_MS: the last namespaces' last count is read within a line of their delete.
		await nettop.waitForLines(deleted + Math.ceil(RETIRE_MS / 500) + 3, RETIRE_MS + 15_000);
		const after = await held();
		t.diagnostic(`entries for the churned namespaces at the end of the churn ${JSON.stringify(during)}, after ${JSON.stringify(after)}`);
		assert.ok(during.conns_counts! > 0 && during.drops_ifnames! > 0, `entries were made for them: ${JSON.stringify(during)}`);
		assert.deepEqual(after, Object.fromEntries(NETNS_MAPS.map((m) => [m, 0])), 'no entry left for a namespace gone');
		assert.ok(
			nettop.lines.some((l) => (JSON.parse(l) as Line).conns.counts.some((r) => churned.has(r.netns) && r.attempt_fails > 0)),
			'their refused connections were counted while they lived',
		);
		// Read last within a line of their delete: nothing of theirs moves after, and a deleted entry's return (its counts again, whole) would show.
		const ghosts = nettop.lines.slice(deleted + 2).flatMap((l) => {
			const line = JSON.parse(l) as Line & { drops: { reasons: { netns: number; count: number }[] } };
			return [...line.conns.counts.filter((r) => churned.has(r.netns) && moved(r)), ...line.drops.reasons.filter((r) => churned.has(r.netns))];
		});
		assert.deepEqual(ghosts, [], 'no row for them once gone');
		// A namespace made now likely gets a gone one's inode (the kernel hands out the lowest free): it counts from its own 0.
		const late = IdleNamespaces.nameOf('churn', 300);
		made.push(late);
		await batch('add', [late]);
		const from = nettop.lines.length;
		await run('python3', ['-c', REFUSED_IN_EACH, late, late, late], 60_000);
		const lateNs = inode(late);
		const mib = { attempt_fails: await snmpIn(late, 'Tcp', 'AttemptFails'), out_rsts: await snmpIn(late, 'Tcp', 'OutRsts') };
		await nettop.waitForLines(nettop.lines.length + 3);
		const seen = { attempt_fails: 0, out_rsts: 0 };
		for (const l of nettop.lines.slice(from)) {
			const line = JSON.parse(l) as Line & { drops: { reasons: { netns: number; reason: string; count: number }[] } };
			for (const r of line.conns.counts) if (r.netns === lateNs) seen.attempt_fails += r.attempt_fails;
			for (const r of line.drops.reasons) if (r.netns === lateNs && r.reason === 'NO_SOCKET') seen.out_rsts += r.count;
		}
		t.diagnostic(`late namespace ${lateNs}: ${churned.has(lateNs) ? 'a gone one\'s inode' : 'a new inode'}`);
		assert.deepEqual(seen, mib, 'its refused connects equal its AttemptFails, the SYNs no socket took its OutRsts');
		assert.deepEqual(descriptors(nettop.pid), fds, 'the same descriptors as before');
		nettop.kill('SIGINT');
		assert.equal(await nettop.exited(), 0, nettop.stderr);
		assert.equal(nettop.stderr.trim(), '', 'no error');
	} finally {
		nettop.kill('SIGINT');
		await run('sh', ['-c', made.map((n) => `ip netns del ${n} 2>/dev/null`).join('; ') || 'true'], 60_000).catch(() => undefined);
		await stays.destroy();
	}
});

test('netnsNames: a name made a moment ago (the file first, the mount after) is named right once mounted, though the directory did not change between', async (t) => {
	if (!(await requireBpf(t))) return;
	const stays = await IdleNamespaces.create(1, 'named');
	const file = `${NETNS_RUN_DIR}/${IdleNamespaces.nameOf('half', 0)}`;
	try {
		writeFileSync(file, '');
		const fileIno = statSync(file).ino;
		assert.equal(netnsNames().get(fileIno), path.basename(file), 'not yet a mount: the file itself');
		await run('mount', ['--bind', `${NETNS_RUN_DIR}/${stays.names[0]!}`, file]);
		const names = netnsNames();
		assert.equal(statSync(file).ino, inode(stays.names[0]!), 'the mount leads to the namespace');
		assert.ok(!names.has(fileIno), 'listed anew: the file\'s own inode is gone');
		assert.ok(names.has(inode(stays.names[0]!)), 'and the namespace named');
	} finally {
		await run('umount', [file]).catch(() => undefined);
		rmSync(file, { force: true });
		await stays.destroy();
	}
});
