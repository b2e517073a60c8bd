// Small measuring tools for the benchmarks: process CPU time and peak memory, medians, timing of output.
import { readdirSync, readFileSync } from 'node:fs';
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const TICK = 100; // USER_HZ: /proc/<pid>/stat counts clock ticks of 1/100 s on Linux

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / TICK;
}

/**
 * CPU seconds a process's threads alive now have run, to the nanosecond
 * (/proc/<pid>/task/<tid>/schedstat): for figures of tenths of a percent,
 * where cpuSeconds' ticks (10 ms, sampled) are most of the noise.
 */
export function cpuSecondsExact(pid: number): number {
	let ns = 0;
	for (const tid of readdirSync(`/proc/${pid}/task`)) {
		try {
			ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
		} catch {
			/* the thread ended meanwhile */
		}
	}
	return ns / 1e9;
}

/** Peak resident memory of a process in MB (VmHWM). */
export function peakRssMb(pid: number): number {
	return statusMb(pid, 'VmHWM');
}

/** Resident memory of a process now, in MB (VmRSS). */
export function rssMb(pid: number): number {
	return statusMb(pid, 'VmRSS');
}

function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
	const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
	return Number(kb) / 1024;
}

/** Resident MB of a process by what is mapped: the node binary, BPF maps (mmapped slot tables and rings), anonymous memory, the rest. */
export function rssParts(pid: number): { node: number; bpf: number; anon: number; other: number } {
	const parts = { node: 0, bpf: 0, anon: 0, other: 0 };
	let name = '';
	for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
		const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
		if (head) {
			name = head[1]!;
			continue;
		}
		const rss = /^Rss:\s+(\d+) kB/.exec(line);
		if (!rss) continue;
		const mb = Number(rss[1]) / 1024;
		if (name === process.execPath || name.endsWith('/node')) parts.node += mb;
		else if (name.includes('bpf-map')) parts.bpf += mb;
		else if (name === '' || name === '[heap]' || name.startsWith('[anon')) parts.anon += mb;
		else parts.other += mb;
	}
	return parts;
}

export function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	const m = Math.floor(s.length / 2);
	return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Milliseconds from now until `child` writes something matching `pattern` (stdout or stderr). */
export function timeUntilOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<number> {
	const start = performance.now();
	return new Promise((resolve, reject) => {
		let seen = '';
		const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms: ${seen.slice(-300)}`)), timeoutMs);
		const on = (chunk: Buffer) => {
			seen += chunk.toString('utf8');
			if (pattern.test(seen)) {
				clearTimeout(timer);
				resolve(performance.now() - start);
			}
		};
		child.stdout?.on('data', on);
		child.stderr?.on('data', on);
		child.on('exit', () => {
			clearTimeout(timer);
			if (!pattern.test(seen)) reject(new Error(`exited before ${pattern}: ${seen.slice(-300)}`));
		});
	});
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/**
 * `line` (a shell command) in a pty of 80x24, as an operator's terminal:
 * script(1)'s pty has no size of its own when its stdin is not a terminal,
 * and Ink, finding no columns, would open /dev/tty for them on every frame.
 */
export function inTerminal(line: string): ChildProcessWithoutNullStreams {
	return spawn('script', ['-qfec', `stty cols 80 rows 24 && exec ${line}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
}
