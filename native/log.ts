// Routes libbpf's own log lines (libbpf_set_print) to a sink of ours, never to the terminal directly.
import { koffi, lib, PrintFn } from './libbpf.js';

/** libbpf's print levels (enum libbpf_print_level). */
export type LogLevel = 'warn' | 'info' | 'debug';
const LEVELS: LogLevel[] = ['warn', 'info', 'debug'];

export type LogSink = (level: LogLevel, line: string) => void;

let sink: LogSink = () => {};
let registered: bigint | undefined;
const recent: string[] = [];
const RECENT_MAX = 200;
const buffer = Buffer.alloc(4096);

/** Sends libbpf's log lines to `next` (they are kept for error messages whether or not a sink is set). */
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
		const n = lib().vsnprintf(buffer, buffer.length, fmt, args);
		const text = buffer.toString('utf8', 0, Math.max(0, Math.min(n, buffer.length - 1))).trimEnd();
		for (const line of text.split('\n')) {
			recent.push(line);
			if (recent.length > RECENT_MAX) recent.shift();
			sink(LEVELS[level] ?? 'debug', line);
		}
		return 0;
	}, koffi.pointer(PrintFn));
	lib().libbpf_set_print(registered);
}

/** The last libbpf log lines (newest last), e.g. to explain a verifier rejection. */
export function recentLog(max = 20): string[] {
	return recent.slice(-max);
}
