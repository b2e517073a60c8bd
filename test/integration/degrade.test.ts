// A kernel without some tracepoints: the affected collector says why, the others keep counting.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { requireBpf } from '../helpers/bpf.js';
import { testHosts } from '../helpers/netns.js';
import { until } from '../helpers/exec.js';
import { holdingServer, manyConnections } from '../helpers/load.js';
import { NettopProcess, nettopPrograms, programsLeft, runNettop, slotsInUse } from '../helpers/nettop.js';
import { receiver, sender } from '../helpers/peers.js';
import { assertRetransSegments, Unrun } from '../helpers/unrun.js';

const hosts = testHosts(2);

type Line = { nic: unknown; tcp: { unavailable?: string }; rtt: { count: number; flows: { pid: number; rport: number }[] }; retrans: { count: number; events: { netns: number; pid: number; rport: number; segs: number }[] }; lost?: Record<string, number> };

test('without sock_send_length/sock_recv_length: tcp is unavailable with the reason, nic, rtt and retrans go on; rtt and retrans without bpf_rdonly_cast', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	// NETTOP_HIDE_TRACEPOINTS and _FUNCTIONS make nettop see this kernel as one without them.
	const env = { ...process.env, NETTOP_HIDE_TRACEPOINTS: 'sock_send_length,sock_recv_length', NETTOP_HIDE_FUNCTIONS: 'bpf_rdonly_cast' };
	const nettop = new NettopProcess(['--json', '-i', '0.5'], env);
	await nettop.waitForLines(1);
	const loaded = await nettopPrograms();
	assert.ok(loaded.includes('nt_rtt_sk') && !loaded.includes('nt_rtt'), `rtt samples through the helper twin: ${loaded.join(' ')}`);
	assert.ok(loaded.includes('nt_retrans_sk') && !loaded.includes('nt_retrans'), `retransmits through the helper twin: ${loaded.join(' ')}`);
	// Dropped segments, for retransmits to see: 10% of the packets (veth carries 64 kB GSO packets, so 20 MB is a few hundred).
	const drop = ['add chain inet nettop_degrade in { type filter hook input priority 0; }', 'add rule inet nettop_degrade in tcp dport 7201 numgen random mod 100 < 10 drop'];
	const inA = (e: { netns: number }) => e.netns === net.netnsInode(a);
	const quiet = (l: Line) => !l.retrans.events.some(inA);
	let s: ReturnType<typeof sender> | undefined;
	// Retransmits the kernel ran the program for neither, nor counted as missed (helpers/unrun.ts): nettop cannot count those.
	const unrun = await Unrun.open({ 'tcp/tcp_retransmit_skb': ['nt_retrans_sk'] });
	let unseen = 0;
	const [before, after] = await net
		.withNft(b, 'nettop_degrade', drop, async () => {
			const first = await nettop.settle(() => net.snmp(a, 'Tcp', 'RetransSegs'), quiet);
			const r = await receiver(net, b, 7201);
			s = sender(net, a, b.ip4, 7201, 20_000_000);
			await s.done(120_000);
			await r.done();
			const last = await nettop.settle(() => net.snmp(a, 'Tcp', 'RetransSegs'), quiet);
			unseen = (await unrun.skipped()).nt_retrans_sk!;
			return [first, last] as const;
		})
		.finally(() => unrun.close());
	nettop.kill('SIGINT');
	assert.equal(await nettop.exited(), 0, nettop.stderr);

	const lines = nettop.json<Line>();
	const why = lines[0]!.tcp.unavailable;
	t.diagnostic(`tcp: ${why}`);
	assert.ok(why, 'tcp says it is unavailable');
	assert.match(why, /sock_send_length|sock_recv_length/, 'names the missing tracepoint');
	assert.match(why, /nt_tcp_(send_fx|recv_fe)/, 'and the fentry/fexit twin it tried');
	assert.ok(lines.every((l) => l.tcp.unavailable === why), 'on every line');
	assert.ok(lines.every((l) => Array.isArray(l.nic)), 'nic goes on');
	assert.ok(lines.every((l) => typeof l.retrans.count === 'number'), 'retrans goes on');
	assert.deepEqual(lines.filter((l) => l.lost?.retrans).map((l) => l.lost), [], 'no retransmit lost');
	const resent = lines.slice(before.index, after.index).flatMap((l) => l.retrans.events).filter(inA);
	const segs = resent.reduce((n, e) => n + e.segs, 0);
	const resentByKernel = after.value - before.value;
	t.diagnostic(`retransmits: ${resent.length} events of ${segs} segments; TcpRetransSegs grew by ${resentByKernel}; retransmits the kernel ran no program for ${unseen}`);
	assert.ok(resentByKernel > 0, 'the drop made the kernel retransmit');
	assertRetransSegments(segs, resentByKernel, unseen);
	assert.ok(resent.length > 0 && resent.every((e) => e.rport === 7201 && e.pid === s!.pid), `retransmits of the transfer, with its owner: ${JSON.stringify(resent.slice(0, 3))}`);
	const flows = lines.flatMap((l) => l.rtt.flows).filter((f) => f.rport === 7201);
	assert.ok(flows.length > 0, 'rtt goes on, with samples for the transfer');
	assert.ok(flows.every((f) => f.pid === s!.pid), 'owner stamped at connect() by rtt.bpf.o itself');
	assert.equal(nettop.stderr, '', 'nothing on stderr');
	assert.deepEqual(await programsLeft(), []);
});

/** nettop --json with `env`, its first line read, and the programs it loaded. */
async function started(env: NodeJS.ProcessEnv, interval: string) {
	const nettop = new NettopProcess(['--json', '-i', interval], { ...process.env, ...env });
	await nettop.waitForLines(1);
	return { nettop, loaded: await nettopPrograms() };
}

/**
 * 200 connections opened, then closed, under `nettop`: both ends of each had
 * slots (tcp, rtt), and those slots are free again within `freedWithin` ms;
 * every byte sent counted once. Stops nettop.
 */
async function churnFreesSlots(t: TestContext, net: Awaited<ReturnType<typeof hosts>>, nettop: NettopProcess, port: number, freedWithin: number): Promise<void> {
	const { a, b } = net;
	const baseline = [await slotsInUse('tcp'), await slotsInUse('rtt')];
	const server = await holdingServer(net, b, port);
	// With the close programs loaded: the closes the kernel ran them for neither (helpers/unrun.ts), whose slots wait for the idle rule.
	const closing = (await nettopPrograms()).includes('nt_tcp_closed');
	const unrun = closing ? await Unrun.open({ 'tcp/tcp_destroy_sock': ['nt_tcp_closed', 'nt_rtt_closed'] }) : undefined;
	const clients = manyConnections(net, a, b.ip4, port, 200, 1);
	let open, left, freed;
	let unseen = [0, 0];
	try {
		await clients.waitFor('open 200', 60_000);
		open = [await slotsInUse('tcp'), await slotsInUse('rtt')];
		await clients.waitFor('closed', 60_000);
		await clients.done();
		left = open;
		freed = await until(async () => {
			left = [await slotsInUse('tcp'), await slotsInUse('rtt')];
			const skipped = await unrun?.skipped();
			unseen = skipped ? [skipped.nt_tcp_closed!, skipped.nt_rtt_closed!] : [0, 0];
			return left[0]! <= baseline[0]! + unseen[0]! && left[1]! <= baseline[1]! + unseen[1]!;
		}, freedWithin);
	} finally {
		unrun?.close();
	}
	server.child.kill();
	await nettop.waitForLines(nettop.lines.length + 1);
	nettop.kill('SIGINT');
	assert.equal(await nettop.exited(), 0, nettop.stderr);
	t.diagnostic(`slots (tcp, rtt): ${baseline.join(', ')} before, ${open.join(', ')} open, ${left.join(', ')} after; closes the kernel ran no close program for: ${unseen.join(', ')}`);
	assert.ok(open[0]! >= baseline[0]! + 400 && open[1]! >= baseline[1]! + 400, `both ends of 200 connections had slots: ${open.join(', ')}`);
	assert.ok(freed, `slots of closed sockets freed: ${left.join(', ')} (baseline ${baseline.join(', ')}; closes unseen ${unseen.join(', ')})`);
	const tx = nettop.json<{ tcp: { pid: number; tx_bytes: number }[] }>().flatMap((l) => l.tcp).filter((r) => r.pid === clients.pid).reduce((n, r) => n + r.tx_bytes, 0);
	assert.equal(tx, 200 * 100, 'every byte sent counted once');
}

test('without tcp_destroy_sock (no close seen): the sweep finds the sockets gone and frees their slots; where the kernel refuses the sweep, tcp and rtt say why, and the close hook is what frees them', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { nettop, loaded } = await started({ NETTOP_HIDE_TRACEPOINTS: 'tcp_destroy_sock' }, '1');
	assert.ok(!loaded.includes('nt_tcp_closed') && !loaded.includes('nt_rtt_closed'), `no close programs: ${loaded.join(' ')}`);
	const first = nettop.json<{ nic: unknown; tcp: { unavailable?: string }; rtt: { unavailable?: string } }>()[0]!;
	if (first.tcp.unavailable === undefined) {
		assert.ok(loaded.includes('nt_tcp_sweep') && loaded.includes('nt_rtt_sweep'), `the sweeps are loaded: ${loaded.join(' ')}`);
		// Unchanged for SWEEP_STALE_MS, then the next sweep (every SWEEP_MS): well within 25 s.
		await churnFreesSlots(t, net, nettop, 7202, 25_000);
		return;
	}
	// This kernel refuses iterator programs (some VMs refuse tracing programs other than tp_btf): no sweep to cover for a missing close hook.
	t.diagnostic(`tcp: ${first.tcp.unavailable}`);
	nettop.kill('SIGINT');
	assert.equal(await nettop.exited(), 0, nettop.stderr);
	assert.ok(!loaded.some((p) => p.endsWith('_sweep')), `no sweep loaded: ${loaded.join(' ')}`);
	for (const [key, why] of [['tcp', first.tcp.unavailable], ['rtt', first.rtt.unavailable]] as const) {
		assert.match(why ?? '', /^no way to hook close on this kernel \(.*tcp_destroy_sock.*; in its place nt_\w+_sweep: /, `${key} names the missing close hook and the refused sweep`);
	}
	assert.ok(Array.isArray(first.nic), 'nic goes on');
	// What frees the slots here instead: the close hook, as nettop runs on this kernel, without anything hidden.
	const normal = await started({}, '0.5');
	assert.ok(normal.loaded.includes('nt_tcp_closed') && normal.loaded.includes('nt_rtt_closed') && !normal.loaded.some((p) => p.endsWith('_sweep')), `close programs, no sweep: ${normal.loaded.join(' ')}`);
	await churnFreesSlots(t, net, normal.nettop, 7202, 5_000);
});

test('without the socket storage iterator (no sweep): closes come from tcp_destroy_sock, and the slots are freed within an interval or two', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { nettop, loaded } = await started({ NETTOP_HIDE_FUNCTIONS: 'bpf_iter_bpf_sk_storage_map' }, '0.5');
	assert.ok(loaded.includes('nt_tcp_closed') && loaded.includes('nt_rtt_closed'), `the close programs: ${loaded.join(' ')}`);
	assert.ok(!loaded.some((p) => p.endsWith('_sweep')), `no sweep: ${loaded.join(' ')}`);
	await churnFreesSlots(t, net, nettop, 7203, 5_000);
});

test('without tcp_send_reset and tcp_receive_reset: connections go on, and say which RSTs they cannot see', async (t) => {
	if (!(await requireBpf(t))) return;
	const env = { NETTOP_HIDE_TRACEPOINTS: 'tcp_send_reset,tcp_receive_reset' };
	const { nettop, loaded } = await started(env, '0.3');
	assert.ok(loaded.includes('nt_conn_state') && !loaded.includes('nt_conn_rst_out') && !loaded.includes('nt_conn_rst_in'), loaded.join(' '));
	await nettop.waitForLines(2);
	nettop.kill('SIGINT');
	assert.equal(await nettop.exited(), 0, nettop.stderr);
	const line = nettop.json<{ conns: { not_seen: string[]; counts: unknown[] } }>().at(-1)!;
	assert.deepEqual(line.conns.not_seen, ['rst_out', 'rst_in']);
	const plain = await runNettop(['-t', 'conns', '-n', '1', '-i', '0.1'], 20_000, { ...process.env, ...env });
	assert.match(plain.stdout, /RSTs sent are not seen on this kernel \(no tcp_send_reset\)/);
	assert.match(plain.stdout, /RSTs received are not seen on this kernel/);
	t.diagnostic('the tab says so');
});

test('without skb:kfree_skb: Drops says why, the others go on', async (t) => {
	if (!(await requireBpf(t))) return;
	const { nettop } = await started({ NETTOP_HIDE_TRACEPOINTS: 'kfree_skb' }, '0.3');
	await nettop.waitForLines(2);
	nettop.kill('SIGINT');
	assert.equal(await nettop.exited(), 0, nettop.stderr);
	const line = nettop.json<{ drops: { unavailable?: string }; conns: { counts: unknown[] } }>().at(-1)!;
	t.diagnostic(`drops: ${line.drops.unavailable}`);
	assert.match(line.drops.unavailable ?? '', /kfree_skb/);
	assert.ok(Array.isArray(line.conns.counts), 'connections go on');
});
