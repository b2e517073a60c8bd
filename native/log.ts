// Routes libbpf's own log lines (libbpf_set_print) to a sink of ours, never to the terminal directly.
import { koffi, lib, PrintFn } from './libbpf.js';

/** libbpf's print levels (enum libbpf_print_level). */
export type LogLevel = 'warn' | 'info' | 'debug';
const LEVELS: LogLevel[] = ['warn', 'info', 'debug'];

export type LogSink = (level: LogLevel, line: string) => void;

let sink: LogSink | undefined;
let registered: bigint | undefined;
/** Loads under way with the log quiet (see quiet()). */
let quietLoads = 0;
/** Recent lines, each with the program libbpf named at the start of its message, if any. */
const recent: { line: string; program?: string }[] = [];
const RECENT_MAX = 200;
const buffer = Buffer.alloc(4096);

/** Sends libbpf's log lines, every level, to `next`; objects then never load with the log quiet. */
export function setLogSink(next: LogSink): void {
	sink = next;
	captureLog();
}

/**
 * Installs our print callback with libbpf_set_print(), once: BpfObject reads
 * the lines back to name the program the kernel refused. libbpf formats with
 * a va_list; we hand it to libc's vsnprintf as the opaque pointer it is.
 */
export function captureLog(): void {
	if (registered !== undefined) return;
	registered = koffi.register((level: number, fmt: bigint, args: bigint) => {
		if (level > 0 && sink === undefined) return 0; // info and debug: only a sink wants them
		const n = lib().vsnprintf(buffer, buffer.length, fmt, args);
		const text = buffer.toString('utf8', 0, Math.max(0, Math.min(n, buffer.length - 1))).trimEnd();
		// One message (a verifier log is one) is one call: every line of it belongs to the program it starts with.
		const program = /^libbpf: prog '([^']+)'/.exec(text)?.[1];
		for (const line of text.split('\n')) {
			recent.push({ line, program });
			if (recent.length > RECENT_MAX) recent.shift();
			sink?.(LEVELS[level] ?? 'debug', line);
		}
		return 0;
	}, koffi.pointer(PrintFn));
	lib().libbpf_set_print(registered);
}

/**
 * Quiets libbpf's log until the returned function is called, unless a sink
 * wants it: a load on a worker thread would otherwise hand each of its
 * thousands of lines to the main thread and wait for it (koffi runs
 * callbacks there), so loads side by side took longer than one after the
 * other. A failed quiet load names no program: see logged().
 */
export function quiet(): () => void {
	captureLog();
	if (sink !== undefined) return () => {};
	if (quietLoads++ === 0) lib().libbpf_set_print(lib().quietPrint);
	let done = false;
	return () => {
		if (done) return;
		done = true;
		if (--quietLoads === 0) lib().libbpf_set_print(registered!);
	};
}

/** Runs `fn` (on the main thread) with libbpf's log captured, quiet loads or not. */
export function logged<T>(fn: () => T): T {
	captureLog();
	if (quietLoads === 0) return fn();
	lib().libbpf_set_print(registered!);
	try {
		return fn();
	} finally {
		if (quietLoads > 0) lib().libbpf_set_print(lib().quietPrint);
	}
}

/**
 * The last lines of messages about the programs `mine` names (newest last):
 * objects load side by side, so the log interleaves theirs.
 */
export function recentLogOf(mine: (program: string) => boolean, max = 60): string[] {
	return recent.filter((r) => r.program !== undefined && mine(r.program)).slice(-max).map((r) => r.line);
}
