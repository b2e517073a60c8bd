// Scale: 10,000 concurrent connections and thousands of short ones per second, counted exactly, entries retired.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireBpf } from '../helpers/bpf.js';
import { run, sleep, until } from '../helpers/exec.js';
import { churn, holdingServer, manyConnections } from '../helpers/load.js';
import { testHosts, type TestNet } from '../helpers/netns.js';
import { mapEntries as entries, NettopProcess, slotsInUse as slots } from '../helpers/nettop.js';

const hosts = testHosts(2);

interface Line {
	tcp: { pid: number; tx_bytes: number; rx_bytes: number; lport: number; rport: number }[];
	lost?: Record<string, number>;
}

/** Runs of nettop's program `name` the kernel skipped (recursion misses, as bpftool prog show prints them). */
async function skipped(name: string): Promise<number> {
	const progs = JSON.parse((await run('bpftool', ['prog', 'show', '--json'])).stdout) as { name?: string; recursion_misses?: number }[];
	return progs.filter((p) => p.name === name).reduce((n, p) => n + (p.recursion_misses ?? 0), 0);
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

test('10,000 concurrent connections: every one counted, nothing lost, slots freed after close', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await setup();
	const { a, b } = net;
	const server = await holdingServer(net, b, 7801);
	const nettop = new NettopProcess(['--json', '-i', '1']);
	await nettop.waitForLines(1);
	const baseline = await slots('tcp');
	const clients = manyConnections(net, a, b.ip4, 7801, 10_000, 4);
	await clients.waitFor('open 10000', 120_000);
	// The clients have sent; the server may still be reading its ends (each gets its slot then).
	let open = 0;
	let indexed = 0;
	await until(async () => {
		[open, indexed] = [await slots('tcp'), await entries('tcp_index')];
		return open >= baseline + 20_000 - 50 && indexed >= baseline + 20_000 - 50;
	}, 3000);
	await clients.waitFor('closed', 60_000);
	await clients.done();
	// Closed sockets leave the kernel maps once nettop has read their final counts.
	let left = 0;
	let rttLeft = 0;
	let indexLeft = 0;
	const freed = await until(async () => {
		// Each figure read on every round, so a failure reports all three as they were.
		[left, rttLeft, indexLeft] = [await slots('tcp'), await slots('rtt'), await entries('tcp_index')];
		return left <= baseline + 50 && rttLeft <= 50 && indexLeft <= baseline + 50;
	}, 15_000);
	if (!freed) {
		// Which sockets the kernel still has, by state (ss), beside what the tables hold.
		const states = async (h: typeof a) => {
			const count: Record<string, number> = {};
			for (const l of (await net.exec(h, 'ss', ['-tanH'])).stdout.split('\n').filter(Boolean)) count[l.split(/\s+/)[0]!] = (count[l.split(/\s+/)[0]!] ?? 0) + 1;
			return JSON.stringify(count);
		};
		// And what nettop said it lost, and the runs the kernel skipped (counts since load) of the programs that mark a closed socket's slot.
		const lost = nettop.json<Line>().filter((l) => l.lost).map((l) => l.lost);
		assert.fail(`tcp slots still in use: ${left} (baseline ${baseline}), rtt ${rttLeft}, tcp_index ${indexLeft}; sockets: client side ${await states(a)}, server side ${await states(b)}; lost ${JSON.stringify(lost)}; close marks skipped: tcp ${await skipped('nt_tcp_closed')}, rtt ${await skipped('nt_rtt_closed')}`);
	}
	nettop.kill('SIGINT');
	assert.equal(await nettop.exited(), 0, nettop.stderr);
	server.child.kill();

	const lines = nettop.json<Line>();
	const rows = lines.flatMap((l) => l.tcp).filter((r) => r.pid === clients.pid);
	const conns = new Set(rows.map((r) => r.lport));
	const tx = rows.reduce((n, r) => n + r.tx_bytes, 0);
	t.diagnostic(`tcp slots: ${baseline} before, ${open} with 10,000 open (tcp_index ${indexed}), ${left} after; rtt slots after: ${rttLeft}; connections seen ${conns.size}, bytes ${tx}`);
	assert.ok(open >= baseline + 20_000 - 50, `both ends of 10,000 connections in the table: ${open - baseline}`);
	assert.ok(indexed >= baseline + 20_000 - 50, `and in its index: ${indexed - baseline}`);
	assert.equal(conns.size, 10_000, 'every client connection reported');
	assert.equal(tx, 1_000_000, '100 bytes on each');
	assert.deepEqual(lines.filter((l) => l.lost?.tcp).map((l) => l.lost), [], 'no TCP update lost');
});

test('churn of short connections: bytes of closed sockets counted exactly, the tables do not grow', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await setup();
	const { a, b } = net;
	const server = await holdingServer(net, b, 7802);
	const nettop = new NettopProcess(['--json', '-i', '1']);
	await nettop.waitForLines(1);
	// Paced at 5,000 a second: unpaced, the generator takes both cores and
	// starves nettop itself, which then reports what it lost rather than counting it.
	const c = churn(net, a, b.ip4, 7802, 8, 5000);
	const made = await c.done(60_000);
	// Every byte of the churn read once no row of it moves for two lines; then the tables must be back to idle.
	await nettop.settle(async () => undefined, (l: Line) => !l.tcp.some((r) => r.pid === c.pid));
	const flowsAfter = await slots('tcp');
	const rttAfter = await slots('rtt');
	const indexAfter = await entries('tcp_index');
	nettop.kill('SIGINT');
	assert.equal(await nettop.exited(), 0, nettop.stderr);
	server.child.kill();

	const lines = nettop.json<Line>();
	const tx = lines.flatMap((l) => l.tcp).filter((r) => r.pid === c.pid).reduce((n, r) => n + r.tx_bytes, 0);
	t.diagnostic(`lost: ${JSON.stringify(lines.map((l) => l.lost).filter(Boolean))}`);
	// How fast the churn ran is the generator's (and the bench's) business: the counts must be exact at any rate.
	t.diagnostic(`${made} connections in 8 s (${(made / 8).toFixed(0)}/s); nettop counted ${tx} bytes sent (expected ${made * 10}); slots in use after: tcp ${flowsAfter} (tcp_index ${indexAfter}), rtt ${rttAfter}`);
	assert.ok(made >= 1000, `the churn made connections: ${made}`);
	assert.equal(tx, made * 10, 'every short connection counted, to the byte');
	assert.deepEqual(lines.filter((l) => l.lost?.tcp).map((l) => l.lost), [], 'no TCP update lost');
	assert.ok(flowsAfter < 200 && rttAfter < 200 && indexAfter < 200, `slots freed: tcp ${flowsAfter} (tcp_index ${indexAfter}), rtt ${rttAfter}`);
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

	const lines = nettop.json<{ time: string; interval: number; tcp: unknown[] }>(); // a cut line would not parse
	const biggest = Math.max(...lines.map((l) => l.tcp.length));
	const longest = Math.max(...lines.map((l) => l.interval));
	t.diagnostic(`${lines.length} lines, up to ${biggest} tcp rows; longest interval ${longest} s`);
	assert.ok(biggest >= 500, `lines big enough to fill the pipe: ${biggest} rows`);
	// A line's interval is the monotonic time since the reading before it (source/pipeline.ts): each line covers the time since
	// the one before by construction. Its `time` is the wall clock, read a statement apart: on a loaded VM the two can be
	// milliseconds apart (3.5 ms seen), so comparing them would test the scheduler, not nettop.
	assert.ok(lines.every((l) => l.interval > 0), 'every line covers some time');
	assert.ok(longest >= 0.5, `while the reader stalled nettop read nothing, and the next line covers the stall: longest interval ${longest} s`);
});
