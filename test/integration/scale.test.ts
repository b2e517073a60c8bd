// Scale: 10,000 concurrent connections and thousands of short ones per second, counted exactly, entries retired.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireBpf } from '../helpers/bpf.js';
import { sleep, until } from '../helpers/exec.js';
import { churn, holdingServer, manyConnections } from '../helpers/load.js';
import { testHosts, type TestNet } from '../helpers/netns.js';
import { STATE_STAMPERS } from '../../source/kernel/owners.js';
import { Unrun } from '../helpers/unrun.js';
import { mapEntries as entries, NettopProcess, programMisses, slotsHeld, slotsInUse as slots } from '../helpers/nettop.js';

const hosts = testHosts(2);

interface Line {
	tcp: { pid: number; tx_bytes: number; rx_bytes: number; lport: number; rport: number }[];
	lost?: Record<string, number>;
}

async function setup(): Promise<TestNet> {
	const net = await hosts();
	for (const h of [net.a, net.b]) {
		await net.exec(h, 'sysctl', ['-qw', 'net.ipv4.tcp_tw_reuse=1']);
		await net.exec(h, 'sysctl', ['-qw', 'net.ipv4.ip_local_port_range=10000 60999']);
		await net.exec(h, 'sysctl', ['-qw', 'net.core.somaxconn=8192']);
	}
	return net;
}

/**
 * Closes whose slot nothing marked: the kernel destroyed the socket but ran
 * the close program neither for it nor counted a miss (helpers/unrun.ts), or
 * skipped the run and counted it. Each leaves its slot to the two-minute idle
 * rule; nothing else may.
 */
async function closesUnseen(unrun: Unrun): Promise<{ tcp: number; rtt: number }> {
	const [skipped, misses] = [await unrun.skipped(), await programMisses()];
	return { tcp: skipped.nt_tcp_closed! + (misses.nt_tcp_closed?.misses ?? 0), rtt: skipped.nt_rtt_closed! + (misses.nt_rtt_closed?.misses ?? 0) };
}

/** Lost TCP updates nettop reported, against the runs the kernel says it skipped of the tcp programs whose misses lose something (all but the state stamper, source/kernel/owners.ts). */
async function tcpMisses(): Promise<number> {
	const misses = await programMisses();
	return Object.entries(misses).filter(([name]) => name.startsWith('nt_tcp_') && !STATE_STAMPERS.has(name)).reduce((n, [, m]) => n + m.misses, 0);
}

/** The slots in use in tcp and rtt and tcp_index's entries now; `since` a reading before, how many more. */
async function slotFigures(since = { tcp: 0, rtt: 0, index: 0 }): Promise<{ tcp: number; rtt: number; index: number }> {
	return { tcp: (await slots('tcp')) - since.tcp, rtt: (await slots('rtt')) - since.rtt, index: (await entries('tcp_index')) - since.index };
}

test('10,000 concurrent connections: every one counted, every slot freed that the kernel ran the close for', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await setup();
	const { a, b } = net;
	const server = await holdingServer(net, b, 7801);
	const nettop = new NettopProcess(['--json', '-i', '1']);
	await nettop.waitForLines(1);
	const baseline = await slotFigures();
	const unrun = await Unrun.open({ 'tcp/tcp_destroy_sock': ['nt_tcp_closed', 'nt_rtt_closed'] });
	try {
		const clients = manyConnections(net, a, b.ip4, 7801, 10_000, 4);
		await clients.waitFor('open 10000', 120_000);
		// The clients have sent; the server may still be reading its ends (each gets its slot then).
		let open = await slotFigures(baseline);
		await until(async () => {
			open = await slotFigures(baseline);
			return open.tcp === 20_000 && open.index === 20_000;
		}, 10_000);
		assert.equal(open.tcp, 20_000, 'both ends of 10,000 connections in the table');
		assert.equal(open.index, 20_000, 'and in its index');
		await clients.waitFor('closed', 60_000);
		await clients.done();
		// Closed sockets leave the kernel maps once nettop has read their final counts: all but those whose close went unseen.
		let left = open;
		let unseen = { tcp: 0, rtt: 0 };
		const freed = await until(async () => {
			// Each figure read on every round, so a failure reports them as they were.
			[left, unseen] = [await slotFigures(baseline), await closesUnseen(unrun)];
			return left.tcp <= unseen.tcp && left.index === left.tcp && left.rtt <= unseen.rtt;
		}, 15_000);
		const lostExpected = await tcpMisses();
		t.diagnostic(`closes unseen: ${JSON.stringify(unseen)}; slots left: ${JSON.stringify(left)}`);
		if (!freed) {
			const lost = nettop.json<Line>().filter((l) => l.lost).map((l) => l.lost);
			assert.fail(`slots left beyond the closes the kernel ran no close program for (${JSON.stringify(unseen)}): ${JSON.stringify(left)}; lost ${JSON.stringify(lost)}; ${await slotsHeld('tcp')}`);
		}
		nettop.kill('SIGINT');
		assert.equal(await nettop.exited(), 0, nettop.stderr);
		server.child.kill();

		const lines = nettop.json<Line>();
		const rows = lines.flatMap((l) => l.tcp).filter((r) => r.pid === clients.pid);
		assert.equal(new Set(rows.map((r) => r.lport)).size, 10_000, 'every client connection reported');
		assert.equal(rows.reduce((n, r) => n + r.tx_bytes, 0), 1_000_000, '100 bytes on each');
		// The kernel skips a program run nested in another run of it on the same CPU, and counts it: nettop reports exactly those.
		assert.equal(lines.reduce((n, l) => n + (l.lost?.tcp ?? 0), 0), lostExpected, 'lost TCP updates: the runs of tcp programs the kernel skipped');
	} finally {
		unrun.close();
	}
});

test('churn of short connections: bytes of closed sockets counted exactly, every slot freed that the kernel ran the close for', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await setup();
	const { a, b } = net;
	const server = await holdingServer(net, b, 7802);
	const nettop = new NettopProcess(['--json', '-i', '1']);
	await nettop.waitForLines(1);
	const baseline = await slotFigures();
	const unrun = await Unrun.open({ 'tcp/tcp_destroy_sock': ['nt_tcp_closed', 'nt_rtt_closed'] });
	try {
		// Paced at 5,000 a second: unpaced, the generator takes both cores and
		// starves nettop itself, which then reports what it lost rather than counting it.
		const c = churn(net, a, b.ip4, 7802, 8, 5000);
		const made = await c.done(60_000);
		// Every byte of the churn read once no row of it moves for two lines; then the tables must be back to idle.
		await nettop.settle(async () => undefined, (l: Line) => !l.tcp.some((r) => r.pid === c.pid));
		const [left, unseen] = [await slotFigures(baseline), await closesUnseen(unrun)];
		const lostExpected = await tcpMisses();
		nettop.kill('SIGINT');
		assert.equal(await nettop.exited(), 0, nettop.stderr);
		server.child.kill();

		const lines = nettop.json<Line>();
		const tx = lines.flatMap((l) => l.tcp).filter((r) => r.pid === c.pid).reduce((n, r) => n + r.tx_bytes, 0);
		// How fast the churn ran is the generator's (and the bench's) business: the counts must be exact at any rate.
		t.diagnostic(`${made} connections in 8 s (${(made / 8).toFixed(0)}/s); nettop counted ${tx} bytes sent (expected ${made * 10}); slots left: ${JSON.stringify(left)}; closes unseen ${JSON.stringify(unseen)}`);
		assert.ok(made >= 1000, `the churn made connections: ${made}`);
		assert.equal(tx, made * 10, 'every short connection counted, to the byte');
		assert.equal(lines.reduce((n, l) => n + (l.lost?.tcp ?? 0), 0), lostExpected, 'lost TCP updates: the runs of tcp programs the kernel skipped');
		assert.ok(left.tcp <= unseen.tcp && left.index === left.tcp && left.rtt <= unseen.rtt, `slots left: ${JSON.stringify(left)}; closes unseen ${JSON.stringify(unseen)}`);
	} finally {
		unrun.close();
	}
});

test('a reader that stalls: nettop waits for it, and its lines stay whole and cover every interval', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await setup();
	const server = await holdingServer(net, net.b, 7803);
	// 500 connections sending a byte each every second: lines of 1,000 rows (both ends), more than a pipe holds.
	const clients = manyConnections(net, net.a, net.b.ip4, 7803, 500, 8, true);
	await clients.waitFor('open 500', 60_000);
	const nettop = new NettopProcess(['--json', '-i', '0.1', '-P', '7803']);
	await nettop.waitForLines(2);
	nettop.pause();
	await sleep(2000);
	nettop.resume();
	await sleep(1500);
	nettop.kill('SIGINT');
	assert.equal(await nettop.exited(), 0, nettop.stderr);
	clients.child.kill();
	server.child.kill();

	const lines = nettop.json<{ time: string; interval_s: number; tcp: unknown[] }>(); // a cut line would not parse
	const biggest = Math.max(...lines.map((l) => l.tcp.length));
	const longest = Math.max(...lines.map((l) => l.interval_s));
	t.diagnostic(`${lines.length} lines, up to ${biggest} tcp rows; longest interval ${longest} s`);
	assert.ok(biggest >= 500, `lines big enough to fill the pipe: ${biggest} rows`);
	// A line's interval is the monotonic time since the reading before it (source/pipeline.ts): each line covers the time since
	// the one before by construction. Its `time` is the wall clock, read a statement apart: on a loaded VM the two can be
	// milliseconds apart (3.5 ms seen), so comparing them would test the scheduler, not nettop.
	assert.ok(lines.every((l) => l.interval_s > 0), 'every line covers some time');
	assert.ok(longest >= 0.5, `while the reader stalled nettop read nothing, and the next line covers the stall: longest interval ${longest} s`);
});
