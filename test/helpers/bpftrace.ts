// bpftrace as an independent counter beside nettop: start a one-liner, stop it, read its @maps.
import { run, start, until } from './exec.js';
import { ensureTracefs } from './tracefs.js';

interface ProgInfo {
	id: number;
	name?: string;
	recursion_misses?: number;
}
const programs = async () => JSON.parse((await run('bpftool', ['prog', 'show', '--json'])).stdout || '[]') as ProgInfo[];

/**
 * Runs `program` (bpftrace syntax) until stop(); stop() gives every scalar
 * @map it printed, by name, and `misses`: the runs the kernel skipped because
 * another BPF program or a bpf() map call was active on that CPU (bpftrace's
 * tracepoint programs are guarded by the per-CPU bpf_prog_active, which
 * nettop's own map reads raise; its tp_btf programs are not). Each skip is a
 * hit bpftrace did not count: `bpftool prog show` prints them as
 * recursion_misses.
 */
export async function bpftraceCount(program: string): Promise<{ stop(): Promise<{ maps: Record<string, number>; misses: number }> }> {
	ensureTracefs(); // bpftrace reads tracepoint formats there
	const others = new Set((await programs()).map((p) => p.id));
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
			const mine = (await programs()).filter((p) => !others.has(p.id) && !p.name?.startsWith('nt_'));
			const misses = mine.reduce((n, p) => n + (p.recursion_misses ?? 0), 0);
			child.kill('SIGINT');
			await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
			return { maps: Object.fromEntries([...out.matchAll(/^@(\w+): (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])])), misses };
		},
	};
}
