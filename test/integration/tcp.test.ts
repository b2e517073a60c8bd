// TCP collectors against real traffic: exact bytes per process, retransmits against TcpRetransSegs, RTT against ss.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireBpf } from '../helpers/bpf.js';
import type { JsonFlow } from '../helpers/json-flow.js';
import { testHosts } from '../helpers/netns.js';
import { NettopProcess } from '../helpers/nettop.js';
import { receiver, sender } from '../helpers/peers.js';
import { assertRetransSegments, Unrun } from '../helpers/unrun.js';

type Flow = JsonFlow;
interface TcpRow extends Flow {
	tx_bytes: number;
	rx_bytes: number;
}
interface RetransEvent extends Flow {
	time: string;
	segs: number;
	kind: string;
	state: string;
}
interface RttFlow extends Flow {
	count: number;
	p50_us: number;
	p99_us: number;
}
interface Line {
	tcp: TcpRow[];
	rtt: { count: number; buckets: { lo_us: number; hi_us: number; count: number }[]; flows: RttFlow[] };
	retrans: { count: number; segs: number; events: RetransEvent[]; flows: (Flow & { count: number; segs: number })[] };
}

const hosts = testHosts(4, true);

/**
 * Runs nettop around `work`; returns every JSON line printed from attach
 * until the test's namespaces went quiet after the work ended (no byte moved
 * on a connection there for two lines).
 */
async function watch(args: string[], work: () => Promise<void>): Promise<Line[]> {
	const net = await hosts();
	const ours = new Set([net.netnsInode(net.a), net.netnsInode(net.b)]);
	const nettop = new NettopProcess(['--json', '-i', '0.5', ...args]);
	await nettop.waitForLines(1);
	await work();
	const { index } = await nettop.settle(async () => undefined, (l: Line) => !l.tcp.some((r) => ours.has(r.netns) && r.tx_bytes + r.rx_bytes > 0));
	nettop.kill('SIGINT');
	assert.equal(await nettop.exited(), 0, nettop.stderr);
	return nettop.json<Line>().slice(1, index + 2);
}

test('tcptop: exact bytes per process for send() and sendfile(), peeks not counted, IPv4 and IPv6', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	const peers: Awaited<ReturnType<typeof receiver>>[] = [];
	const lines = await watch([], async () => {
		const r1 = await receiver(net, b, 7101, true);
		const r2 = await receiver(net, b, 7102, true, b.ip6);
		const s1 = sender(net, a, b.ip4, 7101, 50_000_000, 'send');
		const s2 = sender(net, a, b.ip6, 7102, 20_000_000, 'sendfile');
		peers.push(r1, r2, s1, s2);
		assert.equal(await s1.done(), 50_000_000);
		assert.equal(await s2.done(), 20_000_000);
		assert.equal(await r1.done(), 50_000_000);
		assert.equal(await r2.done(), 20_000_000);
	});
	const [r1, r2, s1, s2] = peers as [typeof peers[0], typeof peers[0], typeof peers[0], typeof peers[0]];
	const rows = lines.flatMap((l) => l.tcp);
	const sum = (pid: number, k: 'tx_bytes' | 'rx_bytes') => rows.filter((r) => r.pid === pid).reduce((s, r) => s + r[k], 0);
	t.diagnostic(`tx ${sum(s1.pid, 'tx_bytes')} ${sum(s2.pid, 'tx_bytes')} rx ${sum(r1.pid, 'rx_bytes')} ${sum(r2.pid, 'rx_bytes')}`);
	assert.equal(sum(s1.pid, 'tx_bytes'), 50_000_000, 'sender 1, send()');
	assert.equal(sum(s2.pid, 'tx_bytes'), 20_000_000, 'sender 2, sendfile()');
	assert.equal(sum(r1.pid, 'rx_bytes'), 50_000_000, 'receiver 1, with MSG_PEEK reads');
	assert.equal(sum(r2.pid, 'rx_bytes'), 20_000_000, 'receiver 2');
	assert.equal(sum(s1.pid, 'rx_bytes') + sum(s2.pid, 'rx_bytes'), 0, 'senders read nothing but EOF');

	const s1row = rows.find((r) => r.pid === s1.pid)!;
	assert.equal(s1row.comm, 'python3');
	assert.deepEqual([s1row.family, s1row.laddr, s1row.raddr, s1row.rport, s1row.netns, s1row.netns_name], [4, a.ip4, b.ip4, 7101, net.netnsInode(a), a.ns]);
	const s2row = rows.find((r) => r.pid === s2.pid)!;
	assert.deepEqual([s2row.family, s2row.laddr, s2row.raddr, s2row.rport], [6, a.ip6, b.ip6, 7102]);
	const r1row = rows.find((r) => r.pid === r1.pid)!;
	assert.deepEqual([r1row.laddr, r1row.lport, r1row.raddr, r1row.rport], [b.ip4, 7101, a.ip4, s1row.lport]);
});

test('tcptop: a socket two processes send on at once (fork) counts each process exactly', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	let parent = 0;
	let child = 0;
	const lines = await watch([], async () => {
		const r = await receiver(net, b, 7103);
		const s = sender(net, a, b.ip4, 7103, 30_000_000, 'fork');
		parent = s.pid;
		assert.equal(await s.done(), 30_000_000);
		child = Number(/child (\d+)/.exec(s.output)?.[1]);
		assert.equal(await r.done(), 60_000_000, 'the receiver got both processes\' bytes');
	});
	const rows = lines.flatMap((l) => l.tcp).filter((r) => r.rport === 7103);
	const sent = (pid: number) => rows.filter((r) => r.pid === pid).reduce((s, r) => s + r.tx_bytes, 0);
	t.diagnostic(`parent ${sent(parent)} child ${sent(child)}`);
	assert.ok(child > 0 && child !== parent, 'the child printed its pid');
	assert.equal(sent(parent), 30_000_000, 'the parent');
	assert.equal(sent(child), 30_000_000, 'the child, on the same connection');
	const ports = new Set(rows.filter((r) => r.pid === parent || r.pid === child).map((r) => r.lport));
	assert.equal(ports.size, 1, 'one connection');
});

test('retransmits through a random nftables drop equal the TcpRetransSegs delta exactly and carry the sender pid', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	const inA = (e: Flow) => e.netns === net.netnsInode(a);
	// A line is quiet when no retransmit of A's namespace is in it: the kernel's counter and nettop's lines then split at the same point.
	const quiet = (l: Line) => !l.retrans.events.some(inA) && !l.retrans.flows.some(inA);
	const drop = ['add chain inet nettop_test in { type filter hook input priority 0; }', 'add rule inet nettop_test in tcp dport 7103 numgen random mod 100 < 3 drop'];
	await net.withNft(b, 'nettop_test', drop, async () => {
		const nettop = new NettopProcess(['--json', '-i', '0.5']);
		await nettop.waitForLines(1);
		// Retransmits the kernel ran the program for neither, nor counted as missed (helpers/unrun.ts): nettop cannot count those.
		const unrun = await Unrun.open({ 'tcp/tcp_retransmit_skb': ['nt_retrans'] });
		let before, after, unseen, started, ended, s;
		try {
			before = await nettop.settle(() => net.snmp(a, 'Tcp', 'RetransSegs'), quiet);
			const r = await receiver(net, b, 7103);
			started = Date.now();
			s = sender(net, a, b.ip4, 7103, 30_000_000);
			assert.equal(await s.done(120_000), 30_000_000);
			ended = Date.now();
			assert.equal(await r.done(), 30_000_000);
			after = await nettop.settle(() => net.snmp(a, 'Tcp', 'RetransSegs'), quiet);
			unseen = (await unrun.skipped()).nt_retrans!;
		} finally {
			unrun.close();
		}
		nettop.kill('SIGINT');
		assert.equal(await nettop.exited(), 0, nettop.stderr);

		const all = nettop.json<Line & { lost?: Record<string, number> }>();
		const lines = all.slice(before.index, after.index);
		assert.deepEqual(all.filter((l) => l.lost?.retrans).map((l) => l.lost), [], 'no retransmit lost');
		const events = lines.flatMap((l) => l.retrans.events).filter(inA);
		const segs = events.reduce((sum, e) => sum + e.segs, 0);
		const kernel = after.value - before.value;
		t.diagnostic(`nettop segs ${segs} in ${events.length} events; TcpRetransSegs delta ${kernel}; kinds ${JSON.stringify(count(events.map((e) => e.kind)))}; retransmits the kernel ran no program for ${unseen}`);
		assert.ok(kernel >= 20, `too few retransmits to compare: ${kernel}`);
		assertRetransSegments(segs, kernel, unseen);
		const data = events.filter((e) => e.rport === 7103);
		assert.equal(data.length, events.length, 'every retransmit in A is the transfer\'s');
		assert.ok(data.every((e) => e.pid === s.pid && e.comm === 'python3'), `owners: ${[...new Set(data.map((e) => `${e.pid}/${e.comm}`))].join(' ')}; sender ${s.pid}`);
		assert.deepEqual([...new Set(data.map((e) => e.netns_name))], [a.ns], 'the namespace by its ip netns name');
		// Stamped by the socket's own clock: within the transfer (ms in JSON, and the clocks compared to the ms: a few ms either way).
		const outside = data.map((e) => Date.parse(e.time)).filter((ms) => ms < started - 5 || ms > ended + 5);
		assert.deepEqual(outside, [], `event times within the transfer, ${started} to ${ended}`);
		const flows = lines.flatMap((l) => l.retrans.flows).filter((f) => f.rport === 7103);
		assert.equal(flows.reduce((n, f) => n + f.segs, 0), segs, 'per-flow counts add up to the events');
	});
});

function count(items: string[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const i of items) out[i] = (out[i] ?? 0) + 1;
	return out;
}

test('RTT histogram fills, and the srtt ss -tin reports lies within the flow\'s slots from p50 to p99', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	let ssRttUs = 0;
	let s: ReturnType<typeof sender> | undefined;
	const lines = await watch([], async () => {
		const r = await receiver(net, b, 7104);
		// A paced transfer: a live flow to ask ss about, for about 2 s.
		s = sender(net, a, b.ip4, 7104, 64 * 1024 * 100, 'send', 0.02);
		await s.waitFor('connected');
		await new Promise((res) => setTimeout(res, 600));
		// srtt at one instant follows a busy VM's spikes: the median of five readings, 150 ms apart.
		const readings: number[] = [];
		for (let i = 0; i < 5; i++) {
			const ss = (await net.exec(a, 'ss', ['-tinH', 'dport = :7104'])).stdout;
			const m = /\brtt:([\d.]+)\//.exec(ss);
			assert.ok(m, `no rtt in ss output: ${ss}`);
			readings.push(Number(m[1]) * 1000);
			await new Promise((res) => setTimeout(res, 150));
		}
		ssRttUs = readings.sort((x, y) => x - y)[2]!;
		await s.done();
		await r.done();
	});
	const total = lines.reduce((n, l) => n + l.rtt.count, 0);
	assert.ok(total > 50, `RTT samples: ${total}`);
	const bucketTotal = lines.reduce((n, l) => n + l.rtt.buckets.reduce((m, b2) => m + b2.count, 0), 0);
	assert.equal(bucketTotal, total, 'buckets add up to the count');
	const flow = lines.flatMap((l) => l.rtt.flows).filter((f) => f.rport === 7104 && f.pid === s!.pid);
	assert.ok(flow.length > 0, 'the sender flow has RTT samples with its owner pid');
	// The interval with most samples: its median slot against ss's smoothed rtt.
	const busiest = flow.reduce((x, y) => (y.count > x.count ? y : x));
	const slot = (us: number) => (us < 2 ? 0 : Math.floor(Math.log2(us)));
	const p99 = Math.max(...flow.map((f) => f.p99_us));
	t.diagnostic(`ss rtt ${ssRttUs} us (slot ${slot(ssRttUs)}); nettop p50 ${busiest.p50_us} us (slot ${slot(busiest.p50_us)}) over ${busiest.count} samples, p99 up to ${p99} us`);
	// ss's srtt is one of the values the kernel's samples take: within the slots nettop saw them in (p50 to p99), give or take one.
	assert.ok(slot(ssRttUs) >= slot(busiest.p50_us) - 1 && slot(ssRttUs) <= slot(p99) + 1, `ss slot ${slot(ssRttUs)} outside nettop's slots ${slot(busiest.p50_us)} (p50) to ${slot(p99)} (p99)`);
});

test('-P keeps only connections with that port, in every TCP output', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	// Both transfers lose segments: retransmits of each to filter. Every 20th packet of each (its own counter),
	// from the 6th: a 5% random drop left a 3 MB transfer (a few dozen GSO packets) with none now and then.
	const drop = [
		'add chain inet nettop_test in { type filter hook input priority 0; }',
		'add rule inet nettop_test in tcp dport 7105 numgen inc mod 20 == 5 drop',
		'add rule inet nettop_test in tcp dport 7106 numgen inc mod 20 == 5 drop',
	];
	const lines = await net.withNft(b, 'nettop_test', drop, () =>
		watch(['-P', '7105'], async () => {
			const r1 = await receiver(net, b, 7105);
			const r2 = await receiver(net, b, 7106);
			const s1 = sender(net, a, b.ip4, 7105, 3_000_000);
			const s2 = sender(net, a, b.ip4, 7106, 3_000_000);
			await Promise.all([s1.done(), s2.done(), r1.done(), r2.done()]);
		}),
	);
	const ports = (f: Flow) => [f.lport, f.rport];
	const tcp = lines.flatMap((l) => l.tcp);
	assert.ok(tcp.length > 0, 'the 7105 flow is there');
	assert.ok(tcp.every((r) => ports(r).includes(7105)), `tcp rows: ${JSON.stringify(tcp.map(ports))}`);
	assert.equal(tcp.filter((r) => r.rport === 7105).reduce((n, r) => n + r.tx_bytes, 0), 3_000_000);
	const rtt = lines.flatMap((l) => l.rtt.flows);
	assert.ok(rtt.length > 0 && rtt.every((f) => ports(f).includes(7105)), `rtt flows: ${JSON.stringify(rtt.map(ports))}`);
	const resent = lines.flatMap((l) => l.retrans.events);
	assert.ok(resent.length > 0, 'the 7105 transfer retransmitted');
	assert.ok(resent.every((e) => ports(e).includes(7105)), `retransmit events: ${JSON.stringify(resent.map(ports))}`);
	const resentFlows = lines.flatMap((l) => l.retrans.flows);
	assert.ok(resentFlows.length > 0 && resentFlows.every((f) => ports(f).includes(7105)), `retransmit flows: ${JSON.stringify(resentFlows.map(ports))}`);
});

test('--no-loopback leaves out connections over loopback, in every TCP output, and keeps the others', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	// The same traffic seen without the flag: it has the loopback rows the flag must leave out.
	const unfiltered = new NettopProcess(['--json', '-i', '0.5', '-P', '7107,7108']);
	await unfiltered.waitForLines(1);
	const lines = await watch(['--no-loopback', '-P', '7107,7108'], async () => {
		const r1 = await receiver(net, b, 7107);
		const r2 = await receiver(net, b, 7108, false, '127.0.0.1');
		const s1 = sender(net, a, b.ip4, 7107, 3_000_000);
		const s2 = sender(net, b, '127.0.0.1', 7108, 3_000_000);
		await Promise.all([s1.done(), s2.done(), r1.done(), r2.done()]);
	});
	await unfiltered.waitForLines(unfiltered.lines.length + 2);
	unfiltered.kill('SIGINT');
	assert.equal(await unfiltered.exited(), 0, unfiltered.stderr);
	const all = unfiltered.json<Line>();
	const loopRows = (ls: Line[]) => ls.flatMap((l) => l.tcp).filter((r) => r.raddr === '127.0.0.1');
	assert.equal(loopRows(all).filter((r) => r.rport === 7108).reduce((n, r) => n + r.tx_bytes, 0), 3_000_000, 'without the flag: the loopback connection, whole');
	assert.ok(all.flatMap((l) => l.rtt.flows).some((f) => f.raddr === '127.0.0.1'), 'without the flag: RTT of the loopback connection');
	assert.ok(all.some((l) => (l.rtt as { loopback_count?: number }).loopback_count! > 0), 'without the flag: loopback samples counted');

	const tcp = lines.flatMap((l) => l.tcp);
	assert.equal(tcp.filter((r) => r.rport === 7107).reduce((n, r) => n + r.tx_bytes, 0), 3_000_000, 'the veth connection, whole');
	assert.deepEqual(loopRows(lines), [], 'no loopback row');
	const rtt = lines.flatMap((l) => l.rtt.flows);
	assert.ok(rtt.some((f) => f.rport === 7107), 'RTT of the veth connection');
	assert.ok(rtt.every((f) => f.raddr !== '127.0.0.1'), 'no loopback RTT flow');
	assert.ok(lines.every((l) => (l.rtt as { loopback_count?: number }).loopback_count === 0));
});
