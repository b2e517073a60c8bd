// Run commands from tests: bounded in time, output captured, failures with the command line in the message.
import { execFile, spawn, type ChildProcess } from 'node:child_process';

export interface RunResult {
	readonly stdout: string;
	readonly stderr: string;
}

/** Runs a command to completion (at most `timeoutMs`); rejects with its stderr when it fails. */
export function run(cmd: string, args: readonly string[], timeoutMs = 30_000): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
			if (error) reject(new Error(`${cmd} ${args.join(' ')}: ${error.message.trim()} ${stderr.trim()}`));
			else resolve({ stdout, stderr });
		});
	});
}

/** Every process a test started and has not seen exit: killed by killAll(), also on exit. */
const children = new Set<ChildProcess>();

export function start(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): ChildProcess {
	const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
	children.add(child);
	child.on('exit', () => children.delete(child));
	return child;
}

export function killAll(): void {
	for (const child of children) child.kill('SIGKILL');
	children.clear();
}
process.on('exit', killAll);

/** Resolves with the exit code (or 128 + signal number) once `child` exits; kills it after `timeoutMs`. */
export function exited(child: ChildProcess, timeoutMs = 10_000): Promise<number> {
	if (child.exitCode !== null) return Promise.resolve(child.exitCode);
	return new Promise((resolve) => {
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 1));
		});
	});
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
