// Connections against the kernel: per-namespace counts equal the Tcp MIB's growth; each event has its owner, lifetime and exact bytes.
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { connEvent } from '../../source/features/conns/layouts.js';
import { eventsPerCpu, ringRecordBytes, sampledRingBytes } from '../../source/kernel/sampling.js';
import { requireBpf } from '../helpers/bpf.js';
import { Unrun } from '../helpers/unrun.js';
import type { CountsRow, JsonFlow } from '../helpers/json-flow.js';
import { testHosts, type Host, type TestNet } from '../helpers/netns.js';
import { NettopProcess } from '../helpers/nettop.js';
import { closingServer, eofChurn } from '../helpers/load.js';
import { Peer } from '../helpers/peers.js';

/**
 * serve HOST4 HOST6 PORT: accept on both addresses, one connection at a
 * time; read to EOF, answer half as many bytes plus 7, close (the server's
 * FIN first). A connection reset by its peer is let go.
 * client HOST4 HOST6 PORT CLOSED N4 N6 M4 M6 HOLD: N4 + N6 short
 * connections (bound first, so the local port is known) sending
 * 1000 * (i + 1) bytes each; M4 + M6 connects to the closed port; one
 * connection closed with SO_LINGER 0 (an RST); one held HOLD seconds; NH
 * to PORT + 1, where the server never sees the handshake's last ACK (the
 * test drops it), closed with an RST while the server's end is still a
 * request socket. Prints one JSON line per connection, then "done".
 */
const SCRIPT = `
import json, select, socket, struct, sys, time
role = sys.argv[1]
def fam(h): return socket.AF_INET6 if ':' in h else socket.AF_INET
def readall(c):
    n = 0
    while True:
        b = c.recv(65536)
        if not b: return n
        n += len(b)
if role == 'serve':
    h4, h6, port = sys.argv[2], sys.argv[3], int(sys.argv[4])
    ls = []
    for h in (h4, h6):
        s = socket.socket(fam(h), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((h, port)); s.listen(64); ls.append(s)
    half = socket.socket(); half.bind((h4, port + 1)); half.listen(64)
    print('listening', flush=True)
    while True:
        r, _, _ = select.select(ls, [], [])
        for l in r:
            c, _ = l.accept()
            try:
                n = readall(c)
                c.sendall(b'y' * (n // 2 + 7))
            except ConnectionResetError:
                pass
            c.close()
else:
    h4, h6, port, closed = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    n4, n6, m4, m6, hold, nh = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9]), float(sys.argv[10]), int(sys.argv[11])
    def bound(h):
        s = socket.socket(fam(h), socket.SOCK_STREAM)
        s.bind((h and ('0.0.0.0' if fam(h) == socket.AF_INET else '::'), 0))
        return s, s.getsockname()[1]
    def short(h, size, kind, wait=0):
        t0 = time.monotonic()
        s, lport = bound(h)
        s.connect((h, port))
        if wait: time.sleep(wait)
        s.sendall(b'x' * size)
        s.shutdown(socket.SHUT_WR)
        rx = readall(s)
        s.close()
        print(json.dumps({'kind': kind, 'host': h, 'lport': lport, 'tx': size, 'rx': rx, 'ms': (time.monotonic() - t0) * 1000}), flush=True)
    for i in range(n4): short(h4, 1000 * (i + 1), 'short')
    for i in range(n6): short(h6, 1000 * (i + 1), 'short')
    for h, m in ((h4, m4), (h6, m6)):
        for i in range(m):
            s, lport = bound(h)
            try:
                s.connect((h, closed)); raise SystemExit('connected to the closed port')
            except ConnectionRefusedError:
                pass
            s.close()
            print(json.dumps({'kind': 'refused', 'host': h, 'lport': lport}), flush=True)
    s, lport = bound(h4)
    s.connect((h4, port)); s.sendall(b'z' * 100); time.sleep(0.2)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); s.close()
    print(json.dumps({'kind': 'reset', 'host': h4, 'lport': lport}), flush=True)
    short(h4, 5000, 'held', hold)
    for i in range(nh):
        s, lport = bound(h4)
        s.connect((h4, port + 1)); time.sleep(0.05)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); s.close()
        print(json.dumps({'kind': 'handshake', 'host': h4, 'lport': lport}), flush=True)
    print('done', flush=True)
`;

interface ConnEvent extends JsonFlow {
	time: string;
	type: string;
	direction: string | null;
	cgroup: string | null;
	duration_ms?: number | null;
	tx_bytes?: number;
	rx_bytes?: number;
	abort?: boolean;
	latency_us?: number;
	reason?: string;
	no_socket?: boolean;
}
interface Line {
	interval_s: number;
	lost?: Record<string, number>;
	conns: { counts: CountsRow[]; events_sampled: number; events_lost: number; events: ConnEvent[] };
}
interface Made {
	kind: 'short' | 'refused' | 'reset' | 'held' | 'handshake';
	host: string;
	lport: number;
	tx?: number;
	rx?: number;
	ms?: number;
}

const MIB = { active_opens: 'ActiveOpens', passive_opens: 'PassiveOpens', attempt_fails: 'AttemptFails', estab_resets: 'EstabResets', out_rsts: 'OutRsts' } as const;
type Mib = Record<keyof typeof MIB, number>;

async function mib(net: TestNet, h: Host): Promise<Mib> {
	const out: Record<string, number> = {};
	for (const [key, name] of Object.entries(MIB)) out[key] = await net.snmp(h, 'Tcp', name);
	return out as Mib;
}

/** A line with nothing of the test's namespaces in it: no count moved, no event. */
function quietIn(net: TestNet): (l: Line) => boolean {
	const ours = new Set([net.netnsInode(net.a), net.netnsInode(net.b)]);
	const keys = [...Object.keys(MIB), 'in_rsts', 'handshake_fails'] as (keyof CountsRow)[];
	return (l) => !l.conns.counts.some((r) => ours.has(r.netns) && keys.some((k) => ((r[k] as number | undefined) ?? 0) > 0)) && !l.conns.events.some((e) => ours.has(e.netns));
}

const hosts = testHosts(2, true);
const PORT = 7301;
const CLOSED = 7399;

/** The connection programs and their tracepoints, for helpers/unrun.ts. */
const CONN_HOOKS = { 'sock/inet_sock_set_state': ['nt_conn_state'], 'tcp/tcp_send_reset': ['nt_conn_rst_out'], 'tcp/tcp_receive_reset': ['nt_conn_rst_in'] } as const;

/**
 * Counts against the MIB's growth: equal when the kernel ran the connection
 * programs for every hit; else apart by no more than the hits it ran them for
 * neither, nor counted as missed (`unseen`, helpers/unrun.ts).
 */
function assertCounts(counted: Record<string, number>, grown: Record<string, number>, unseen: number, what: string): void {
	if (unseen === 0) assert.deepEqual(counted, grown, what);
	else {
		const apart = Object.keys(grown).reduce((n, k) => n + Math.abs(counted[k]! - grown[k]!), 0);
		assert.ok(apart <= unseen, `${what}: ${JSON.stringify(counted)} against ${JSON.stringify(grown)}, ${unseen} hits unseen`);
	}
}

test('connections: per-namespace counts equal the Tcp MIB exactly; connects, accepts, closes, failures and resets with owners, lifetimes and bytes, IPv4 and IPv6', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	const [n4, n6, m4, m6, hold, nh] = [20, 5, 10, 3, 1.0, 4];
	// B never sees the last ACK of a handshake to PORT + 1: those connections stay request sockets there.
	const halfOpen = ['add chain inet ntc in { type filter hook input priority 0; }', `add rule inet ntc in tcp dport ${PORT + 1} tcp flags & (syn|rst) == 0 drop`];
	const nettop = new NettopProcess(['--json', '-i', '0.5']);
	const accepting = new NettopProcess(['--json', '-i', '0.5', '-r', 'accept']);
	await Promise.all([nettop.waitForLines(1), accepting.waitForLines(1)]);
	const mibs = async () => ({ a: await mib(net, a), b: await mib(net, b) });
	const quiet = quietIn(net);
	const unrun = await Unrun.open(CONN_HOOKS);
	let unseen = 0;
	const { before, after, server, client } = await net
		.withNft(b, 'ntc', halfOpen, async () => {
			const before = await nettop.settle(mibs, quiet);
			const server = new Peer(net.spawn(b, 'python3', ['-c', SCRIPT, 'serve', b.ip4, b.ip6, String(PORT)]));
			await server.waitFor('listening');
			const client = new Peer(net.spawn(a, 'python3', ['-c', SCRIPT, 'client', b.ip4, b.ip6, String(PORT), String(CLOSED), String(n4), String(n6), String(m4), String(m6), String(hold), String(nh)]));
			await client.waitFor('done', 30_000);
			const after = await nettop.settle(mibs, quiet);
			unseen = Object.values(await unrun.skipped()).reduce((n, k) => n + k, 0);
			return { before, after, server, client };
		})
		.finally(() => unrun.close());
	await accepting.waitForLines(accepting.lines.length + 2); // it too has read past the end
	nettop.kill('SIGINT');
	const lines = nettop.json<Line>().slice(before.index, after.index);
	const accepted = accepting.json<Line>().flatMap((l) => l.conns.events);
	assert.ok(accepted.length > 0 && accepted.every((e) => e.direction === 'accept'), '-r accept: only the accepting ends\' events');
	assert.equal(accepted.filter((e) => e.type === 'accept').length, n4 + n6 + 2, '-r accept: every accept');
	const made = client.output
		.split('\n')
		.filter((l) => l.startsWith('{'))
		.map((l) => JSON.parse(l) as Made);

	// The counts: every interval's rows for a namespace added up, against the MIB's growth.
	for (const [h, name] of [[a, 'a'], [b, 'b']] as const) {
		const netns = net.netnsInode(h);
		const rows = lines.flatMap((l) => l.conns.counts.filter((r) => r.netns === netns));
		const sum = (k: keyof CountsRow) => rows.reduce((s, r) => s + (r[k] as number), 0);
		const grown = Object.fromEntries(Object.keys(MIB).map((k) => [k, after.value[name][k as keyof Mib] - before.value[name][k as keyof Mib]]));
		const counted = Object.fromEntries(Object.keys(MIB).map((k) => [k, sum(k as keyof CountsRow)]));
		t.diagnostic(`${name}: MIB grew ${JSON.stringify(grown)}; nettop ${JSON.stringify(counted)}, in_rsts ${sum('in_rsts')}; hits the kernel ran no connection program for ${unseen}`);
		assertCounts(counted, grown, unseen, `namespace ${name}: counts equal the Tcp MIB's growth`);
		assert.ok(rows.every((r) => r.netns_name === h.ns), 'rows carry the name ip netns gave');
	}
	const countsOf = (h: Host) => lines.flatMap((l) => l.conns.counts.filter((r) => r.netns === net.netnsInode(h)));
	const total = (h: Host, k: keyof CountsRow) => countsOf(h).reduce((s, r) => s + ((r[k] as number | undefined) ?? 0), 0);
	// What the scenario makes, as the kernel counted it above.
	assert.equal(total(a, 'active_opens'), n4 + n6 + m4 + m6 + 2 + nh);
	assert.equal(total(a, 'attempt_fails'), m4 + m6);
	assert.equal(total(b, 'passive_opens'), n4 + n6 + 2);
	assert.equal(total(b, 'attempt_fails'), nh, 'handshakes reset at the server: only the kernel counts them');
	assert.equal(total(b, 'handshake_fails'), nh, 'and they are said apart');
	assert.equal(total(a, 'handshake_fails'), 0);
	assert.equal(total(b, 'out_rsts'), m4 + m6, 'RSTs for the closed port, sent without a socket');
	assert.equal(total(a, 'in_rsts'), m4 + m6, 'the refused connects took an RST each');
	assert.equal(total(b, 'in_rsts'), 1, 'the SO_LINGER 0 close reset the server side');
	assert.ok(countsOf(a).some((r) => r.established !== undefined), 'established connections read from the namespace');

	const events = lines.flatMap((l) => l.conns.events);
	assert.equal(lines.reduce((s, l) => s + l.conns.events_lost, 0), 0, 'no event left out');
	const inA = (e: ConnEvent) => e.netns === net.netnsInode(a);
	const inB = (e: ConnEvent) => e.netns === net.netnsInode(b);
	const clientEnd = (m: Made, type: string) => events.filter((e) => inA(e) && e.type === type && e.lport === m.lport);
	const serverEnd = (m: Made, type: string) => events.filter((e) => inB(e) && e.type === type && e.rport === m.lport);

	for (const m of made.filter((x) => x.kind === 'short' || x.kind === 'held')) {
		const what = `${m.kind} connection from port ${m.lport} to ${m.host}`;
		const family = m.host.includes(':') ? 6 : 4;
		const [connect] = clientEnd(m, 'connect');
		assert.ok(connect, `${what}: a connect event`);
		assert.equal(connect.pid, client.pid, `${what}: the connecting process owns its connect`);
		assert.equal(connect.family, family);
		// The handshake happened within the span the client measured around the connection (same monotonic clock).
		assert.ok(connect.latency_us !== undefined && connect.latency_us > 0 && connect.latency_us <= m.ms! * 1000, `${what}: connect latency ${connect.latency_us} us, within the client's ${m.ms} ms`);
		const [close] = clientEnd(m, 'close');
		assert.ok(close, `${what}: a close event at the client`);
		assert.equal(close.pid, client.pid, `${what}: the connecting process owns its close`);
		assert.deepEqual([close.tx_bytes, close.rx_bytes], [m.tx, m.rx], `${what}: the client's close has its exact bytes`);
		assert.equal(close.abort, false);
		assert.ok(typeof close.duration_ms === 'number', `${what}: a lifetime`);
		const [accept] = serverEnd(m, 'accept');
		assert.ok(accept, `${what}: an accept event`);
		assert.equal(accept.pid, server.pid, `${what}: the accepting process owns the accept`);
		assert.equal(accept.lport, PORT);
		const [sclose] = serverEnd(m, 'close');
		assert.ok(sclose, `${what}: a close event at the server`);
		assert.equal(sclose.pid, server.pid, `${what}: the server owns its end's close`);
		assert.deepEqual([sclose.tx_bytes, sclose.rx_bytes], [m.rx, m.tx], `${what}: the server's close has its exact bytes`);
		if (m.kind === 'held') {
			t.diagnostic(`held: client measured ${m.ms!.toFixed(1)} ms, nettop ${close.duration_ms!.toFixed(1)} ms`);
			// Open while the client slept HOLD s; closed (its TIME_WAIT entered, on the server's FIN) before the client's EOF read returned:
			// between the two on one clock (CLOCK_MONOTONIC both), whatever the load (duration_ms is rounded to the µs).
			assert.ok(close.duration_ms! >= hold * 1000 && close.duration_ms! <= m.ms! + 0.001, `held connection: lifetime ${close.duration_ms} ms, from ${hold * 1000} ms held to the ${m.ms} ms the client measured around it`);
		}
	}
	for (const m of made.filter((x) => x.kind === 'refused')) {
		const what = `refused connect from port ${m.lport} to ${m.host}`;
		const [fail] = clientEnd(m, 'fail');
		assert.ok(fail, `${what}: a fail event`);
		assert.deepEqual([fail.pid, fail.reason, fail.rport], [client.pid, 'refused', CLOSED], `${what}: owner, reason, port`);
		const [rst] = serverEnd(m, 'reset_out');
		assert.ok(rst, `${what}: the RST sent for the closed port`);
		assert.deepEqual([rst.pid, rst.comm, rst.cgroup, rst.direction, rst.no_socket, rst.lport], [null, null, null, null, true, CLOSED], `${what}: an RST without a socket has no owner, nor a known direction`);
		assert.equal(rst.netns_name, b.ns, `${what}: the namespace by its ip netns name`);
	}
	const reset = made.find((x) => x.kind === 'reset')!;
	const [abort] = clientEnd(reset, 'close');
	assert.ok(abort?.abort, 'the SO_LINGER 0 close is an abort');
	assert.equal(abort.pid, client.pid);
	assert.equal(abort.tx_bytes, 100);
	const [sent] = clientEnd(reset, 'reset_out');
	assert.equal(sent?.pid, client.pid, 'the RST it sent is the client\'s');
	const [took] = serverEnd(reset, 'reset_in');
	assert.equal(took?.pid, server.pid, 'the server took the RST');
	assert.equal(nettop.stderr.trim(), '');
});


test('connections under a churn of 5,000 a second: the counts stay exact; the list is a sample that says what it left out, and a full ring is counted', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	const [count, rate] = [20_000, 5000];
	await closingServer(net, b, 7401, 2);
	// Two at once: the default sample (5,000 events a second), and every event, its reader stopped
	// (SIGSTOP) while the churn runs: 80,000 events, more than the ring's 65,536, so some cannot be
	// recorded, and must be said; at any rate the churn runs at.
	const sampled = new NettopProcess(['--json', '-i', '1']);
	const every = new NettopProcess(['--json', '-i', '1', '--conn-events', '0']);
	await Promise.all([sampled.waitForLines(1), every.waitForLines(1)]);
	const mibs = async () => ({ a: await mib(net, a), b: await mib(net, b) });
	const quiet = quietIn(net);
	const settled = async () => ({ sampled: await sampled.settle(mibs, quiet), every: await every.settle(mibs, quiet) });
	const unrun = await Unrun.open(CONN_HOOKS);
	let unseen = 0;
	let made = 0;
	let before, after, startedAt;
	try {
		before = await settled();
		startedAt = Date.now();
		every.kill('SIGSTOP');
		try {
			made = await eofChurn(net, a, b.ip4, 7401, 2, 120, rate, count).done(150_000);
		} finally {
			every.kill('SIGCONT');
		}
		after = await settled();
		unseen = Object.values(await unrun.skipped()).reduce((n, k) => n + k, 0);
	} finally {
		unrun.close();
	}
	const span = (Date.now() - startedAt) / 1000;
	t.diagnostic(`${made} connections in about ${span.toFixed(1)} s`);
	assert.equal(made, count, 'the churn made every connection');
	const expected = 4 * made; // connect and close at the client, accept and close at the server
	for (const [nettop, name] of [[sampled, 'sampled'], [every, 'every event']] as const) {
		nettop.kill('SIGINT');
		assert.equal(await nettop.exited(), 0, nettop.stderr);
		const key = nettop === sampled ? 'sampled' : 'every';
		const lines = nettop.json<Line>().slice(before[key].index, after[key].index);
		for (const [h, ns] of [[a, 'a'], [b, 'b']] as const) {
			const rows = lines.flatMap((l) => l.conns.counts.filter((r) => r.netns === net.netnsInode(h)));
			const counted = Object.fromEntries(Object.keys(MIB).map((k) => [k, rows.reduce((s, r) => s + (r[k as keyof CountsRow] as number), 0)]));
			const grown = Object.fromEntries(Object.keys(MIB).map((k) => [k, after[key].value[ns][k as keyof Mib] - before[key].value[ns][k as keyof Mib]]));
			assertCounts(counted, grown, unseen, `${name}, namespace ${ns}: counts equal the MIB's growth under churn`);
		}
		const ours = (e: ConnEvent) => e.netns === net.netnsInode(a) || e.netns === net.netnsInode(b);
		// What the connections made make: a few connects fail or are reset under churn, with events of their own.
		const made4 = (e: ConnEvent) => ours(e) && (e.type === 'connect' || e.type === 'accept' || e.type === 'close');
		const recorded = lines.reduce((s, l) => s + l.conns.events.filter(made4).length, 0);
		const recordedAll = lines.reduce((s, l) => s + l.conns.events.filter(ours).length, 0);
		const lost = lines.reduce((s, l) => s + l.conns.events_lost, 0);
		const left = lines.reduce((s, l) => s + l.conns.events_sampled, 0);
		// What nettop says it lost: the ring's refusals and the runs the kernel skipped. The accept programs are
		// classic tracepoints, skipped while a bpf() map call holds that CPU's bpf_prog_active (a nettop's own
		// read, preempted there): bpftool prog show counts those as recursion misses, and so does nettop.
		const unrecorded = lines.reduce((s, l) => s + (l.lost?.conns ?? 0), 0);
		t.diagnostic(`${name}: ${recorded} events recorded, ${left} sampled out, ${lost} ring full, ${unrecorded} lost in all, ${expected} made; hits the kernel ran no connection program for ${unseen}`);
		assert.ok(recorded <= expected, 'no event made up');
		assert.ok(unrecorded >= lost, 'the ring\'s refusals are among what is said lost');
		// Less only by the hits the kernel ran no program for (helpers/unrun.ts): 2 of 80,000 in a full run once.
		assert.ok(recordedAll + left + unrecorded + unseen >= expected, `every event recorded or counted as left out: ${recordedAll} + ${left} + ${unrecorded} of ${expected}, ${unseen} hits unseen`);
		if (nettop === sampled) {
			// The sampler's contract (bpf/sample.bpf.h): per CPU, its share of 5,000 a second, plus a second's worth saved up.
			// Over the lines' own span: the ring is read empty at each line, so a line's events were sent within its interval.
			const covered = lines.reduce((s, l) => s + l.interval_s, 0);
			const most = os.availableParallelism() * eventsPerCpu(5000) * (covered + 1);
			assert.ok(recordedAll <= most, `a sample at the default rate: ${recordedAll} events in ${covered.toFixed(1)} s, at most ${most}`);
			assert.equal(lost, 0, 'the sample keeps the ring from filling');
			assert.ok(left > 0, 'and says what it left out');
		} else {
			assert.ok(lost > 0 && left === 0, 'with every event and the reader stopped, the ring overflowed, as it must');
			assert.ok(unrecorded >= lost, 'what the ring left out shows as lost');
		}
	}
});

test('a sampled list read every 5 s: its ring, drained every 250 ms between reads, carries more events into one line than it has room for, and refuses none', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	await closingServer(net, b, 7402, 2);
	// 1,000 events a second (500 a CPU): a ring of 2,048 records (source/kernel/sampling.ts). Read
	// every 5 s, a line holds up to 6,000 sampled events: only drains between the reads keep them all.
	const nettop = new NettopProcess(['--json', '-i', '5', '--conn-events', '1000']);
	await nettop.waitForLines(1);
	// Started just after a line: 20,000 connections at 5,000 a second at most (80,000 events) take 4 s
	// or more, of which the interval they start in holds most, over 2,500 sampled events if all came on one CPU.
	await nettop.waitForLines(2);
	const made = await eofChurn(net, a, b.ip4, 7402, 2, 60, 5000, 20_000).done(60_000);
	await nettop.waitForLines(nettop.lines.length + 1);
	nettop.kill('SIGINT');
	assert.equal(await nettop.exited(), 0, nettop.stderr);
	assert.equal(made, 20_000, 'the churn made every connection');
	const room = sampledRingBytes(1000, connEvent.size)! / ringRecordBytes(connEvent.size);
	const lines = nettop.json<Line>();
	const most = Math.max(...lines.map((l) => l.conns.events.length));
	const refused = lines.reduce((s, l) => s + l.conns.events_lost, 0);
	t.diagnostic(`the most events in one line: ${most}; the ring's room: ${room}; refused: ${refused}`);
	assert.ok(most > room, `a line carried more events (${most}) than the ring holds (${room})`);
	assert.equal(refused, 0, 'the ring never filled');
});
