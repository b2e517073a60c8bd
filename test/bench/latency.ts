// Bench part latency: --latency's programs per event beside the floor and bpftrace doing the same skb-keyed matching, and iperf3 with it on against off, alternated.
import { LoadedLatency } from '../../source/features/latency/loaded.js';
import { SocketOwners } from '../../source/kernel/owners.js';
import { CLI, NettopProcess } from '../helpers/nettop.js';
import { run, sleep } from '../helpers/exec.js';
import type { TestNet } from '../helpers/netns.js';
import { Tmux } from '../helpers/tmux.js';
import { kernelCost } from './kernel.js';
import { fmt, median, rssMb } from './measure.js';
import { atMost, FLOOR_OF } from './targets.js';

type Report = (what: string, value: string, target: string, reference: string) => void;

/**
 * What nettop's latency programs do, in bpftrace: 1 packet in 64 per CPU at
 * the first hook of each direction, kept in a map by skb address, looked up
 * at the later hooks (every packet: bpftrace has no cheaper test), a
 * histogram per stage.
 */
export const BPFTRACE_LATENCY = `
BEGIN { printf("ready\\n"); }
tracepoint:net:net_dev_queue { @n[cpu] = @n[cpu] + 1; if (@n[cpu] >= 64) { @n[cpu] = 0; @q[args->skbaddr] = nsecs; } }
tracepoint:net:net_dev_start_xmit { $t = @q[args->skbaddr]; if ($t) { delete(@q[args->skbaddr]); @qdisc = hist((nsecs - $t) / 1000); @s[args->skbaddr] = nsecs; } }
tracepoint:net:net_dev_xmit { $t = @s[args->skbaddr]; if ($t) { delete(@s[args->skbaddr]); @driver = hist((nsecs - $t) / 1000); } }
tracepoint:net:netif_receive_skb { @m[cpu] = @m[cpu] + 1; if (@m[cpu] >= 64) { @m[cpu] = 0; @r[args->skbaddr] = nsecs; } }
tracepoint:skb:skb_copy_datagram_iovec { $t = @r[args->skbaddr]; if ($t) { delete(@r[args->skbaddr]); @socket = hist((nsecs - $t) / 1000); } }
`;

/**
 * The tab's load on demand: latency.bpf.o loaded and attached in this
 * process (median of 5); and the UI's resident memory (the #! line's) on
 * another tab, on the Latency tab, and back.
 */
async function onDemand(report: Report): Promise<void> {
	const times: number[] = [];
	for (let i = 0; i < 5; i++) {
		const t0 = performance.now();
		const loaded = await LoadedLatency.open(new SocketOwners());
		times.push(performance.now() - t0);
		loaded.close();
	}
	report('Latency tab shown: its object loaded and attached (median of 5)', `${fmt(median(times), 0)} ms`, '', `runs ${times.map((t) => fmt(t, 0)).join('/')} ms`);
	const tmux = new Tmux();
	try {
		await tmux.start(CLI);
		await tmux.waitFor(/1 NIC/);
		await sleep(3000);
		const pid = Number((await run('pgrep', ['-n', '-x', 'nettop'])).stdout.trim());
		const before = rssMb(pid);
		await tmux.keys('7');
		await tmux.waitFor(/latency: 1 in 64/);
		await sleep(3000);
		const shown = rssMb(pid);
		await tmux.keys('1');
		await sleep(3000);
		report('the UI\'s resident memory: NIC tab, Latency tab, NIC again', `${fmt(before)} / ${fmt(shown)} / ${fmt(rssMb(pid))} MB`, '', '-');
	} finally {
		await tmux.kill();
	}
}

/** iperf3 -J from A to B: the receiver's bits per second. */
async function throughput(net: TestNet, seconds: number): Promise<number> {
	const server = net.spawn(net.b, 'iperf3', ['-s', '-1', '-B', net.b.ip4, '-p', '5302']);
	await sleep(300);
	const { stdout } = await net.exec(net.a, 'iperf3', ['-J', '-c', net.b.ip4, '-p', '5302', '-t', String(seconds)], (seconds + 20) * 1000);
	await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
	return (JSON.parse(stdout) as { end: { sum_received: { bits_per_second: number } } }).end.sum_received.bits_per_second;
}

/** The empty programs on the latency programs' hooks. */
const LATENCY_FLOORS = new Set(Object.entries(FLOOR_OF).filter(([p]) => p.startsWith('nt_lat_')).map(([, f]) => f));

export async function latencyPart(net: TestNet, iperf: (seconds: number, streams: number) => Promise<void>, report: Report): Promise<void> {
	console.log('\n9. Latency by layer: kernel cost per event over 8 s of iperf3 -P 4 at 1 in 64 (then 1 and 1024, and through a tbf that cuts GSO packets), iperf3 with it on and off, the tab loaded on demand');
	const k = await kernelCost(() => iperf(8, 4), { args: ['--json', '-i', '1', '--latency'], bpftrace: BPFTRACE_LATENCY });
	const line = (costs: { name: string; ns: number; events: number }[]) => costs.map((c) => `${c.name} ${fmt(c.ns, 0)} ns x${c.events}`).join(', ');
	const floor = new Map(k.floor.map((c) => [c.name, c.ns]));
	for (const c of k.nettop.filter((c) => c.name.startsWith('nt_lat_') && c.events > 0)) {
		const f = floor.get(FLOOR_OF[c.name] ?? '');
		const target = f === undefined ? '-' : atMost(`${c.name}: ns/event above the empty program on its hook`, c.ns - f, 40, 'ns');
		report(`${c.name} (${c.events} events)`, `${fmt(c.ns, 0)} ns/event`, target === '-' ? target : `${target} above the floor`, f === undefined ? '-' : `empty program there: ${fmt(f, 0)} ns`);
	}
	console.log(`  bpftrace, the same matching, same time: ${line(k.bpftrace)}`);
	console.log(`  empty programs (the floor): ${line(k.floor)}`);
	report('bpftrace, the same matching', line(k.bpftrace), '', '');

	// nettop alone at other rates: every packet followed, and 1 in 1024.
	for (const every of [1, 1024]) {
		const r = await kernelCost(() => iperf(5, 4), { args: ['--json', '-i', '1', '--latency', '--latency-sample', String(every)], bpftrace: BPFTRACE_LATENCY });
		report(`nettop's latency programs at 1 in ${every}`, line(r.nettop.filter((c) => c.name.startsWith('nt_lat_') && c.events > 0)), '', `floor: ${line(r.floor.filter((c) => LATENCY_FLOORS.has(c.name)))}`);
	}

	// A token bucket whose burst is below TCP's GSO packets: it cuts each into segments, which are followed by the first (issue 30).
	await net.exec(net.a, 'tc', ['qdisc', 'add', 'dev', net.a.dev, 'root', 'tbf', 'rate', '200mbit', 'burst', '32kbit', 'latency', '400ms']);
	try {
		const r = await kernelCost(() => iperf(5, 4), { args: ['--json', '-i', '1', '--latency'], bpftrace: BPFTRACE_LATENCY });
		report('the same at 1 in 64 through tbf 200mbit burst 32kbit (every GSO packet cut)', line(r.nettop.filter((c) => c.name.startsWith('nt_lat_') && c.events > 0)), '', `floor: ${line(r.floor.filter((c) => LATENCY_FLOORS.has(c.name)))}`);
	} finally {
		await net.exec(net.a, 'tc', ['qdisc', 'del', 'dev', net.a.dev, 'root']);
	}

	await onDemand(report);

	// Throughput: nettop without --latency (its other programs on), then with it, in turn.
	const off: number[] = [];
	const on: number[] = [];
	for (let round = 0; round < 3; round++) {
		for (const [args, into] of [[['--json', '-i', '1'], off], [['--json', '-i', '1', '--latency'], on]] as const) {
			const n = new NettopProcess([...args]);
			try {
				await n.waitForLines(1);
				into.push(await throughput(net, 4));
			} finally {
				n.kill('SIGINT');
				await n.exited();
			}
		}
	}
	const gbit = (xs: number[]) => `${fmt(median(xs) / 1e9, 2)} Gbit/s`;
	report('iperf3, one stream, with --latency (median of 3)', gbit(on), 'within 5% of off', `without: ${gbit(off)} (runs ${on.map((x) => fmt(x / 1e9, 2)).join('/')} against ${off.map((x) => fmt(x / 1e9, 2)).join('/')})`);
}
