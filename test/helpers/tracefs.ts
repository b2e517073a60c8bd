// tracefs for the tests: bpftrace and syscall tracepoints (nettop's accept events) find their ids there; mounted when absent, unmounted again at exit.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const TRACEFS = '/sys/kernel/tracing';
let mounted = false;

/**
 * Mounts tracefs at /sys/kernel/tracing when nothing is there, as systemd does
 * on most machines (a fresh VM may have none): without it libbpf cannot attach
 * tracepoint programs, and nettop says accept events are not seen. What this
 * process mounted it unmounts when it exits, so a run leaves the machine as it
 * found it.
 */
export function ensureTracefs(): void {
	if (existsSync(`${TRACEFS}/events`)) return;
	execFileSync('mount', ['-t', 'tracefs', 'nodev', TRACEFS]);
	if (!mounted) process.on('exit', unmount);
	mounted = true;
}

function unmount(): void {
	try {
		execFileSync('umount', [TRACEFS]);
	} catch {
		// busy (another run's bpftrace has it open): that run's own exit unmounts it
	}
	mounted = false;
}
