// bpftrace as an independent counter beside nettop: start a one-liner, stop it, read its @maps.
import { start, until } from './exec.js';
import { ensureTracefs } from './tracefs.js';

/** Runs `program` (bpftrace syntax) until stop(); stop() gives every scalar @map it printed, by name. */
export async function bpftraceCount(program: string): Promise<{ stop(): Promise<Record<string, number>> }> {
	ensureTracefs(); // bpftrace reads tracepoint formats there
	const child = start('bpftrace', ['-q', '-e', `BEGIN { printf("ready\\n"); } ${program}`]);
	let out = '';
	let err = '';
	child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
	child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
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
