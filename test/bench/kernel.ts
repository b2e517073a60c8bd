// Kernel cost per event of every nettop program (kernel.bpf_stats_enabled), beside bpftrace doing the same counting.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpfObject } from '../../native/object.js';
import { bpfDir } from '../../source/kernel/objects.js';
import { run, sleep, until } from '../helpers/exec.js';
import { NettopProcess } from '../helpers/nettop.js';
import { cpuSeconds } from './measure.js';
import { BPFTRACE_EQUIVALENT } from './startup.js';

interface ProgStats {
	id: number;
	name?: string;
	run_time_ns?: number;
	run_cnt?: number;
	type?: string;
}

async function progs(): Promise<ProgStats[]> {
	return JSON.parse((await run('bpftool', ['prog', 'show', '--json'])).stdout) as ProgStats[];
}

export interface KernelCost {
	readonly name: string;
	readonly events: number;
	readonly ns: number;
}

/** Builds and attaches test/bench/floor.bpf.c: empty programs on nettop's tracepoints, after those already on them. */
async function attachFloor(): Promise<BpfObject> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'nettop-floor-'));
	try {
		const source = fileURLToPath(new URL('../../../test/bench/floor.bpf.c', import.meta.url));
		const arch = os.arch() === 'arm64' ? 'arm64' : 'x86';
		const object = path.join(dir, 'floor.bpf.o');
		await run('clang', ['-g', '-O2', '-target', 'bpf', `-D__TARGET_ARCH_${arch}`, `-I${path.join(bpfDir(), '.output')}`, '-c', source, '-o', object]);
		const obj = new BpfObject(object);
		obj.load();
		obj.attach();
		return obj;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** One cost per program name: the mean ns per event of the programs of that name (the floor's two places). */
function meanByName(costs: readonly KernelCost[]): KernelCost[] {
	const by = new Map<string, KernelCost[]>();
	for (const c of costs) by.set(c.name, [...(by.get(c.name) ?? []), c]);
	return [...by].map(([name, cs]) => {
		const events = cs.reduce((n, c) => n + c.events, 0);
		return { name, events: events / cs.length, ns: events > 0 ? cs.reduce((t, c) => t + c.ns * c.events, 0) / events : 0 };
	});
}

/**
 * Runs nettop (with `args`), bpftrace (running `bpftrace`) and empty
 * programs (the floor) side by side under `load`; ns per event of each program.
 */
export async function kernelCost(load: () => Promise<void>, { args = ['--json', '-i', '1'], bpftrace: script = BPFTRACE_EQUIVALENT }: { args?: string[]; bpftrace?: string } = {}): Promise<{ nettop: KernelCost[]; bpftrace: KernelCost[]; floor: KernelCost[]; seconds: number; cpu: number; lines: string[] }> {
	const statsFile = '/proc/sys/kernel/bpf_stats_enabled';
	const before = readFileSync(statsFile, 'utf8').trim();
	writeFileSync(statsFile, '1');
	/*
	 * A hook runs its programs in the order they were attached, and the first
	 * meets colder caches (about 20 ns more on nic's hooks, in paired runs):
	 * the empty programs go on before nettop's and again after them, and the
	 * floor is the mean of the two places.
	 */
	const floors: BpfObject[] = [await attachFloor()];
	const nettop = new NettopProcess(args);
	// bpftool here lists no owning pids: bpftrace's programs are the tracepoint ones that appear now.
	const existing = new Set((await progs()).map((p) => p.id));
	const bpftrace = spawn('bpftrace', ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
	let ready = '';
	bpftrace.stdout.on('data', (d: Buffer) => (ready += d.toString()));
	try {
		await nettop.waitForLines(1);
		floors.push(await attachFloor());
		await until(() => ready.includes('ready'), 20_000);
		const start = await progs();
		const [cpu0, t0] = [cpuSeconds(nettop.pid), performance.now()];
		await load();
		const seconds = (performance.now() - t0) / 1000;
		const cpu = ((cpuSeconds(nettop.pid) - cpu0) / seconds) * 100;
		const end = await progs();
		const delta = (p: ProgStats): KernelCost => {
			const s = start.find((q) => q.id === p.id);
			const events = (p.run_cnt ?? 0) - (s?.run_cnt ?? 0);
			return { name: p.name ?? String(p.id), events, ns: events > 0 ? ((p.run_time_ns ?? 0) - (s?.run_time_ns ?? 0)) / events : 0 };
		};
		const ours = end.filter((p) => p.name?.startsWith('nt_')).map(delta);
		const theirs = end.filter((p) => !existing.has(p.id) && p.type === 'tracepoint' && !p.name?.startsWith('nt_') && !p.name?.startsWith('floor_')).map(delta);
		const empty = meanByName(end.filter((p) => p.name?.startsWith('floor_')).map(delta));
		return { nettop: ours, bpftrace: theirs, floor: empty, seconds, cpu, lines: nettop.lines };
	} finally {
		for (const floor of floors) floor.close();
		nettop.kill('SIGINT');
		bpftrace.kill('SIGINT');
		await nettop.exited();
		await new Promise((r) => (bpftrace.exitCode !== null ? r(null) : bpftrace.once('exit', r)));
		writeFileSync(statsFile, before);
		await sleep(200);
	}
}
