// bpftrace as an independent counter beside nettop: start a one-liner, stop it, read its @maps.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { run, until } from './exec.js';

/** bpftrace reads tracepoint formats from tracefs: mount it where bpftrace looks when it is not there. */
async function tracefs(): Promise<void> {
	if (existsSync('/sys/kernel/tracing/events')) return;
	await run('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing']);
}

/** Runs `program` (bpftrace syntax) until stop(); stop() gives every scalar @map it printed, by name. */
export async function bpftraceCount(program: string): Promise<{ stop(): Promise<Record<string, number>> }> {
	await tracefs();
	const child = spawn('bpftrace', ['-q', '-e', `BEGIN { printf("ready\\n"); } ${program}`], { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
	child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
	const ready = await until(() => out.includes('ready') || child.exitCode !== null, 30_000);
	if (!ready || child.exitCode !== null) {
		child.kill('SIGKILL');
		throw new Error(`bpftrace did not start: ${err.trim()}`);
	}
	return {
		async stop() {
			child.kill('SIGINT');
			await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
			return Object.fromEntries([...out.matchAll(/^@(\w+): (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
		},
	};
}
