// Runs the real nettop CLI as a child process and reads what it prints.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exited, run, start, until } from './exec.js';

/** The program users run: the bundle `npm run build` makes. */
export const CLI = fileURLToPath(new URL('../../bin/nettop.js', import.meta.url));

/** A running `nettop`: its stdout lines, stderr text, and how to stop it. */
export class NettopProcess {
	readonly lines: string[] = [];
	stderr = '';
	private readonly child: ChildProcess;
	/** The unfinished line's chunks: a line of megabytes comes in many, and joining them at each would cost the reader (and the CPUs nettop runs on) time quadratic in its length. */
	private partial: string[] = [];

	constructor(args: readonly string[], env?: NodeJS.ProcessEnv) {
		this.child = start(CLI, [...args], env); // the bin as users run it: its shebang sets node flags
		this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
			if (!chunk.includes('\n')) {
				this.partial.push(chunk);
				return;
			}
			const parts = chunk.split('\n');
			parts[0] = this.partial.join('') + parts[0];
			this.partial = [parts.pop()!];
			this.lines.push(...parts);
		});
		this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
	}

	get pid(): number {
		return this.child.pid!;
	}

	/** JSON objects printed so far. */
	json<T = Record<string, unknown>>(): T[] {
		return this.lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
	}

	/** Waits until at least `n` lines were printed; throws with stderr when nettop exits or time runs out. */
	async waitForLines(n: number, timeoutMs = 15_000): Promise<void> {
		const ok = await until(() => this.lines.length >= n || this.child.exitCode !== null, timeoutMs);
		if (!ok || this.lines.length < n) throw new Error(`nettop printed ${this.lines.length} of ${n} lines; stderr: ${this.stderr.trim()}`);
	}

	/**
	 * Reads the kernel's counters (`read`) where nettop's lines split cleanly.
	 * `index` is the first line printed after the read began: its interval
	 * began before the read. Then waits for two more lines after the read
	 * ended; when every line from `index` to there is quiet (`quiet`: it shows
	 * nothing of the test's traffic), nothing moved from before the read to
	 * after it. So lines [0, index) hold exactly what the kernel had counted
	 * at the read, and lines from `index` on what happened after it.
	 * Otherwise (something still moved) it reads again. Two such reads around
	 * the traffic give the kernel's growth and the lines that must add up to
	 * it, with no race: a read takes time, and nettop may print meanwhile.
	 */
	async settle<T, L = Record<string, unknown>>(read: () => Promise<T>, quiet: (line: L) => boolean, timeoutMs = 30_000): Promise<{ value: T; index: number }> {
		const end = Date.now() + timeoutMs;
		for (;;) {
			const index = this.lines.length;
			const value = await read();
			const through = this.lines.length + 2;
			await this.waitForLines(through);
			if (this.lines.slice(index, through).every((l) => quiet(JSON.parse(l) as L))) return { value, index };
			if (Date.now() > end) throw new Error(`nettop's lines never went quiet in ${timeoutMs} ms: the traffic did not end`);
		}
	}

	/** Stops reading nettop's stdout (a stalled reader: the pipe fills), until resume(). */
	pause(): void {
		this.child.stdout!.pause();
	}

	resume(): void {
		this.child.stdout!.resume();
	}

	kill(signal: NodeJS.Signals): void {
		this.child.kill(signal);
	}

	exited(timeoutMs?: number): Promise<number> {
		return exited(this.child, timeoutMs);
	}
}

/** Runs nettop to completion; returns exit code, stdout and stderr. */
export async function runNettop(args: readonly string[], timeoutMs = 20_000, env?: NodeJS.ProcessEnv) {
	const p = new NettopProcess(args, env);
	const code = await p.exited(timeoutMs);
	return { code, stdout: p.lines.join('\n'), stderr: p.stderr, lines: p.lines };
}

/** Names of loaded BPF programs whose names start with nt_ (nettop's prefix). */
export async function nettopPrograms(): Promise<string[]> {
	const { stdout } = await run('bpftool', ['prog', 'show', '--json']);
	return (JSON.parse(stdout) as { name?: string }[]).map((p) => p.name ?? '').filter((n) => n.startsWith('nt_'));
}

export interface ProgramCount {
	runs: number;
	misses: number;
	/** How many are loaded under that name (one per running nettop that has it). */
	instances: number;
}

/** Per nettop program (by name, summed over the nettops that load it): its runs (counted while kernel.bpf_stats_enabled is 1) and the runs the kernel skipped (recursion misses), as bpftool prog show prints them. */
export async function programCounts(): Promise<Map<string, ProgramCount>> {
	const { stdout } = await run('bpftool', ['prog', 'show', '--json']);
	const out = new Map<string, ProgramCount>();
	for (const p of JSON.parse(stdout) as { name?: string; recursion_misses?: number; run_cnt?: number }[]) {
		if (!p.name?.startsWith('nt_')) continue;
		const c = out.get(p.name) ?? { runs: 0, misses: 0, instances: 0 };
		c.runs += p.run_cnt ?? 0;
		c.misses += p.recursion_misses ?? 0;
		c.instances++;
		out.set(p.name, c);
	}
	return out;
}

/** programCounts() of the programs the kernel skipped some runs of, for assertions and failure messages. */
export async function programMisses(): Promise<Record<string, ProgramCount>> {
	return Object.fromEntries([...(await programCounts())].filter(([, c]) => c.misses > 0));
}

/** IDs of BPF links attached to nettop's programs (bpftool link show). */
export async function nettopLinks(): Promise<number[]> {
	const { stdout } = await run('bpftool', ['prog', 'show', '--json']);
	const ids = new Set((JSON.parse(stdout) as { id: number; name?: string }[]).filter((p) => p.name?.startsWith('nt_')).map((p) => p.id));
	const links = JSON.parse((await run('bpftool', ['link', 'show', '--json'])).stdout || '[]') as { id: number; prog_id: number }[];
	return links.filter((l) => ids.has(l.prog_id)).map((l) => l.id);
}

/** Waits (at most 3 s) until none of `ids` is a live link; returns those still there. */
export async function linksLeft(ids: readonly number[]): Promise<number[]> {
	let left: number[] = [];
	await until(async () => {
		const live = new Set((JSON.parse((await run('bpftool', ['link', 'show', '--json'])).stdout || '[]') as { id: number }[]).map((l) => l.id));
		left = ids.filter((id) => live.has(id));
		return left.length === 0;
	}, 3000);
	return left;
}

/**
 * Waits (at most 3 s: the kernel frees programs after an RCU grace period)
 * until no nettop program is loaded; returns those still there.
 */
export async function programsLeft(): Promise<string[]> {
	let left: string[] = [];
	await until(async () => (left = await nettopPrograms()).length === 0, 3000);
	return left;
}

/** Entries in one of the running nettop's hash maps (bpftool map dump). */
export async function mapEntries(map: string): Promise<number> {
	const { stdout } = await run('bpftool', ['map', 'dump', 'name', map, '--json'], 60_000);
	return (JSON.parse(stdout) as unknown[]).length;
}

/** The namespace (inode) of each entry of a running nettop's map `map` whose key is a namespace or a struct with a `netns` field. */
export async function mapNetns(map: string): Promise<number[]> {
	const { stdout } = await run('bpftool', ['map', 'dump', 'name', map, '--json'], 60_000);
	return (JSON.parse(stdout) as { formatted: { key: number | { netns: number } } }[]).map(({ formatted: { key } }) => (typeof key === 'number' ? key : key.netns));
}

/** The entries of a running nettop's map `map` as bpftool formats them (their values), for a failure's message: small maps only. */
export async function mapValues(map: string): Promise<unknown[]> {
	const { stdout } = await run('bpftool', ['map', 'dump', 'name', map, '--json'], 60_000);
	return (JSON.parse(stdout) as { formatted?: { value: unknown } }[]).map((e) => e.formatted?.value);
}

/** Slots in use in one of the running nettop's slot tables: taken (next) less those back in the free ring. */
export async function slotsInUse(prefix: 'tcp' | 'rtt'): Promise<number> {
	const { stdout } = await run('bpftool', ['map', 'dump', 'name', `${prefix}_ctl`, '--json'], 60_000);
	const dumped = JSON.parse(stdout) as { formatted?: { value: { next: number; free_head: number; free_tail: number } } }[];
	// With several maps of that name bpftool wraps each in an object of its own: another nettop is running.
	const c = dumped.length === 1 ? dumped[0]!.formatted : undefined;
	if (!c) throw new Error(`expected one nettop's ${prefix}_ctl, bpftool printed: ${stdout.slice(0, 200)}`);
	return Math.min(c.value.next, 65536) - ((c.value.free_tail - c.value.free_head) >>> 0);
}

/**
 * For a failure's message: the slots of a running nettop's table that hold a
 * flow, grouped by pid, comm and whether the kernel marked them closed.
 */
export async function slotsHeld(prefix: 'tcp' | 'rtt'): Promise<string> {
	// 65,536 slots print as ~85 MB of JSON: through a file, past run()'s output buffer.
	const file = join(tmpdir(), `nettop-slots-${process.pid}.json`);
	await run('sh', ['-c', `bpftool map dump name ${prefix}_vals --json > ${file}`], 120_000);
	const stdout = readFileSync(file, 'utf8');
	rmSync(file);
	type Val = { cookie: number | string; pid?: number; closed: number; comm?: string | number[] };
	const held = (JSON.parse(stdout) as { formatted?: { value: Val } }[]).map((e) => e.formatted?.value).filter((v): v is Val => !!v && BigInt(v.cookie) !== 0n);
	const groups = new Map<string, number>();
	for (const v of held) {
		const comm = Array.isArray(v.comm) ? String.fromCharCode(...v.comm.filter((c) => c !== 0)) : (v.comm ?? '');
		const key = `pid ${v.pid ?? '-'} ${comm} closed ${v.closed}`;
		groups.set(key, (groups.get(key) ?? 0) + 1);
	}
	return `${prefix}: ${held.length} held (${[...groups].map(([k, n]) => `${n} ${k}`).join(', ')})`;
}
