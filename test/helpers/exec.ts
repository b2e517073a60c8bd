// Run commands from tests: bounded in time, output captured, failures with the command line in the message.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The test run this process belongs to: `npm test` sets it to its shell's
 * pid; a file run alone is a run of its own. Every child gets it in its
 * environment (inherited by what it forks), and the namespaces and cgroups
 * the tests make carry it in their names, so the suite's last file finds
 * whatever this run left (test/leftovers.test.ts) and the sweep of a
 * later run removes only what runs no longer alive left.
 */
export const RUN = process.env.NETTOP_TEST_RUN ?? String(process.pid);
const childEnv = (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => ({ ...env, NETTOP_TEST_RUN: RUN });

/** Whether `name` is `<prefix>-<run>-...` of a run that has ended (its process is gone): left over, to sweep. */
export function leftByEndedRun(name: string, prefix: string): boolean {
	if (!name.startsWith(`${prefix}-`)) return false;
	const run = name.slice(prefix.length + 1).split('-')[0]!;
	return !/^\d+$/.test(run) || !existsSync(`/proc/${run}`);
}

export interface RunResult {
	readonly stdout: string;
	readonly stderr: string;
}

/** Runs a command to completion (at most `timeoutMs`); rejects with its stderr when it fails. */
export function run(cmd: string, args: readonly string[], timeoutMs = 30_000): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: childEnv() }, (error, stdout, stderr) => {
			if (error) reject(new Error(`${cmd} ${args.join(' ')}: ${error.message.trim()} ${stderr.trim()}`));
			else resolve({ stdout, stderr });
		});
	});
}

/** Every process a test started and has not seen exit: killed by killAll(), also on exit. */
const children = new Set<ChildProcess>();
/** Per child, its exit code (or 128 + signal number) once it has exited and its output pipes have closed. */
const ends = new WeakMap<ChildProcess, Promise<number>>();

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function start(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): ChildProcess {
	const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(env) });
	children.add(child);
	child.on('exit', () => children.delete(child));
	ends.set(
		child,
		new Promise((resolve) => {
			// 'close' comes after 'exit' once stdout and stderr are read to their end: what the child printed last is in by then.
			child.once('close', (code, signal) => resolve(code ?? 128 + (SIGNALS[signal ?? ''] ?? 1)));
			// A grandchild that kept the pipes open (and outlived the child) must not hold the test: let go of them.
			child.once('exit', () => setTimeout(() => (child.stdout?.destroy(), child.stderr?.destroy()), 5000).unref());
		}),
	);
	return child;
}

export function killAll(): void {
	for (const child of children) child.kill('SIGKILL');
	children.clear();
}
process.on('exit', killAll);

/** Resolves with the exit code (or 128 + signal number) once `child` (from start()) has exited and what it printed is read; kills it after `timeoutMs`. */
export async function exited(child: ChildProcess, timeoutMs = 10_000): Promise<number> {
	const end = ends.get(child);
	if (!end) throw new Error('exited() takes a child made by start()');
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	try {
		return await end;
	} finally {
		clearTimeout(timer);
	}
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes; returns the last result. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		if (await check()) return true;
		if (Date.now() >= end) return false;
		await sleep(50);
	}
}
