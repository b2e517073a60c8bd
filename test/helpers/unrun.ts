// Runs of nettop's programs the kernel skipped without counting a miss: tracepoint hits (a tracefs instance of the test's own) less the programs' runs and misses.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { leftByEndedRun, RUN } from './exec.js';
import { programCounts, type ProgramCount } from './nettop.js';
import { PREFIX } from './netns.js';
import { ensureTracefs } from './tracefs.js';

const TRACEFS = '/sys/kernel/tracing';
const STATS = '/proc/sys/kernel/bpf_stats_enabled';
/** Per CPU: room for a few hundred thousand events, so a transfer's packets never overrun it. */
const BUFFER_KB = 65_536;

/**
 * The kernel's own count of a tracepoint's hits beside the runs of the
 * programs nettop attached to it. On the VMs we test on, the kernel sometimes
 * runs no BPF program at all for a hit, and counts no miss either: seen for
 * hits in softirqs that ran on top of the VM agent's thread (docs/kernels.md).
 * nettop cannot see those events, so a test that compares nettop with the
 * kernel asks this how many there were, and holds nettop exact to the rest.
 *
 * Counting needs kernel.bpf_stats_enabled (a run counter per program), set
 * while a witness is open, and a tracefs instance per tracepoint, so the
 * machine's own tracing is left alone. Open one at a quiet point, after nettop
 * attached; read it at another quiet point, before nettop exits.
 */
export class Unrun {
	private readonly dirs: string[] = [];
	private base = new Map<string, ProgramCount>();
	private statsWas = '0';

	private constructor(private readonly watched: Readonly<Record<string, readonly string[]>>) {}

	/** `watched`: tracepoint (as tracefs names it, 'tcp/tcp_destroy_sock') to the nettop programs on it. */
	static async open(watched: Readonly<Record<string, readonly string[]>>): Promise<Unrun> {
		ensureTracefs();
		// Those of runs that ended without closing theirs (killed): each holds a buffer.
		for (const name of readdirSync(`${TRACEFS}/instances`)) if (leftByEndedRun(name, PREFIX)) rmdirSync(`${TRACEFS}/instances/${name}`);
		const w = new Unrun(watched);
		w.statsWas = readFileSync(STATS, 'utf8').trim();
		writeFileSync(STATS, '1');
		try {
			for (const event of Object.keys(watched)) {
				const dir = `${TRACEFS}/instances/${PREFIX}-${RUN}-${process.pid}-${event.replace('/', '-')}`;
				mkdirSync(dir);
				w.dirs.push(dir);
				writeFileSync(`${dir}/buffer_size_kb`, String(BUFFER_KB));
				writeFileSync(`${dir}/events/${event}/enable`, '1');
			}
			w.base = await programCounts();
		} catch (error) {
			w.close();
			throw error;
		}
		return w;
	}

	/**
	 * Per program: hits of its tracepoint since open() that it neither ran
	 * for nor counted as a miss, summed over the nettops that load it (each
	 * runs its own copy for every hit): with two running, an upper bound on
	 * either's.
	 */
	async skipped(): Promise<Record<string, number>> {
		const counts = await programCounts();
		const out: Record<string, number> = {};
		Object.keys(this.watched).forEach((event, i) => {
			const hits = entries(this.dirs[i]!);
			for (const name of this.watched[event]!) {
				const [now, was] = [counts.get(name), this.base.get(name)];
				if (!now || !was || now.instances !== was.instances) throw new Error(`${name} was not loaded the same from open() to now: its runs cannot be compared with ${event}'s hits`);
				out[name] = hits * now.instances - (now.runs - was.runs) - (now.misses - was.misses);
			}
		});
		return out;
	}

	/** Per program: the runs the kernel skipped since open() and counted as missed (recursion), summed over the nettops that load it. */
	async missed(): Promise<Record<string, number>> {
		const counts = await programCounts();
		const out: Record<string, number> = {};
		for (const names of Object.values(this.watched)) for (const name of names) out[name] = (counts.get(name)?.misses ?? 0) - (this.base.get(name)?.misses ?? 0);
		return out;
	}

	/** Removes the instances and puts kernel.bpf_stats_enabled back. */
	close(): void {
		for (const dir of this.dirs.splice(0)) {
			try {
				rmdirSync(dir);
			} catch {
				// already gone
			}
		}
		writeFileSync(STATS, this.statsWas);
	}
}

/** Events an instance's buffer holds, summed over CPUs; throws when any were overwritten (the count would be short). */
function entries(dir: string): number {
	let total = 0;
	for (const cpu of readdirSync(`${dir}/per_cpu`)) {
		const stats = readFileSync(`${dir}/per_cpu/${cpu}/stats`, 'utf8');
		const field = (name: string) => Number(new RegExp(`^${name}: *(\\d+)`, 'm').exec(stats)?.[1] ?? Number.NaN);
		if (field('overrun') > 0 || field('dropped events') > 0) throw new Error(`${dir}: ${cpu} overran its buffer: the hit count would be short`);
		total += field('entries');
	}
	return total;
}

/**
 * Retransmitted segments nettop counted against TcpRetransSegs's growth: equal
 * when the kernel ran the retransmit program for every retransmit (`unseen` 0).
 * Else short: each retransmit unseen hides its skb's segments, at least one
 * and at most a 64 kB GSO skb's worth at veth's MSS of 1448 (46).
 */
export function assertRetransSegments(segs: number, kernel: number, unseen: number): void {
	if (unseen === 0) assert.equal(segs, kernel, 'retransmitted segments: nettop against TcpRetransSegs');
	else assert.ok(kernel - segs >= unseen && kernel - segs <= unseen * 46, `retransmitted segments: nettop ${segs}, TcpRetransSegs ${kernel}, ${unseen} retransmits unseen`);
}

/** A count of nettop's against the kernel's: equal when the kernel ran nettop's program for every hit (`unseen` 0), else no further apart than the hits it did not run it for. */
export function assertExactBut(actual: number, expected: number, unseen: number, what: string): void {
	if (unseen === 0) assert.equal(actual, expected, what);
	else assert.ok(Math.abs(actual - expected) <= unseen, `${what}: ${actual} against ${expected}, ${unseen} hits unseen`);
}
