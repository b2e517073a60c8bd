// BENCH_ONLY=compare NETTOP_COMPARE=<other build's dist/bin/nettop.js>: this build and another, alternating in one run: start-up, and --json with 20,000 live flows.
import { spawn } from 'node:child_process';
import { sleep } from '../helpers/exec.js';
import { holdingServer, manyConnections } from '../helpers/load.js';
import type { TestNet } from '../helpers/netns.js';
import { CLI } from '../helpers/nettop.js';
import { cpuSeconds, fmt, median, peakRssMb, timeUntilOutput } from './measure.js';

type Report = (what: string, value: string, target: string, reference: string) => void;

/** Exec to the first --json line, `runs` times each, the two builds in turn. */
async function startups(bins: readonly string[], runs: number): Promise<number[][]> {
	const times = bins.map(() => [] as number[]);
	for (let i = 0; i < runs; i++) {
		for (const [k, bin] of bins.entries()) {
			const child = spawn(bin, ['--json', '-i', '0.01', '-n', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
			times[k]!.push(await timeUntilOutput(child, /^\{"time"/m));
			await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
			await sleep(100);
		}
	}
	return times;
}

/** `--json -i 1` for 22 s beside live flows: CPU over the last 19 s, peak RSS. */
async function underFlows(bin: string): Promise<{ cpu: number; peak: number }> {
	const child = spawn(bin, ['--json', '-i', '1'], { stdio: ['ignore', 'pipe', 'ignore'] });
	child.stdout!.resume();
	try {
		await sleep(3000);
		const c0 = cpuSeconds(child.pid!);
		const t0 = Date.now();
		await sleep(19_000);
		return { cpu: ((cpuSeconds(child.pid!) - c0) / ((Date.now() - t0) / 1000)) * 100, peak: peakRssMb(child.pid!) };
	} finally {
		child.kill('SIGINT');
		await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
	}
}

export async function comparePart(net: TestNet, other: string, report: Report): Promise<void> {
	console.log(`\n9. This build beside ${other}, alternating`);
	const bins = [CLI, other];
	const [ours, theirs] = await startups(bins, 11);
	report('exec -> first --json line, median of 11', `${fmt(median(ours!), 0)} ms`, '<= 300 ms', `the other build: ${fmt(median(theirs!), 0)} ms`);
	const server = await holdingServer(net, net.b, 7904);
	const many = manyConnections(net, net.a, net.b.ip4, 7904, 10_000, 300, true);
	await many.waitFor('open 10000', 120_000);
	try {
		for (let round = 1; round <= 2; round++) {
			const [a, b] = [await underFlows(CLI), await underFlows(other)];
			report(`20,000 flows, round ${round}: --json CPU; peak RSS`, `${fmt(a.cpu, 2)} %; ${fmt(a.peak)} MB`, '3 %; 120 MB', `the other build: ${fmt(b.cpu, 2)} %; ${fmt(b.peak)} MB`);
		}
	} finally {
		many.child.kill();
		server.child.kill();
	}
}
