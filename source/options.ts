// Turns meow's raw flags into checked options; every mistake is one line for the user.

import type { Filter } from './model/filter.js';
import { TABS, type Tab } from './ui/tabs.js';

export interface Options {
	readonly json: boolean;
	readonly intervalMs: number;
	readonly count: number | undefined;
	readonly verbose: boolean;
	/** RTT in milliseconds instead of microseconds. */
	readonly ms: boolean;
	/** The tab the UI opens on. */
	readonly tab: Tab;
	/** Where libbpf's log goes besides --verbose's stderr. */
	readonly logFile: string | undefined;
	readonly filter: Filter;
}

export interface RawFlags {
	readonly json?: boolean;
	readonly interval?: string;
	readonly count?: string;
	readonly verbose?: boolean;
	readonly pid?: string;
	readonly port?: string;
	readonly ipv4?: boolean;
	readonly ipv6?: boolean;
	readonly ms?: boolean;
	readonly tab?: string;
	readonly log?: string;
}

/** A flag the user got wrong: the CLI prints the message and exits 2. */
export class UsageError extends Error {
	override name = 'UsageError';
}

const MAX_INTERVAL_S = 3600;

/** meow's flag definitions: one list for parsing and for rejecting unknown flags. */
export const FLAGS = {
	json: { type: 'boolean' },
	interval: { type: 'string', shortFlag: 'i' },
	count: { type: 'string', shortFlag: 'n' },
	verbose: { type: 'boolean' },
	pid: { type: 'string', shortFlag: 'p' },
	port: { type: 'string', shortFlag: 'P' },
	ipv4: { type: 'boolean', shortFlag: '4' },
	ipv6: { type: 'boolean', shortFlag: '6' },
	ms: { type: 'boolean' },
	tab: { type: 'string', shortFlag: 't' },
	log: { type: 'string' },
} as const;

const KNOWN = new Set<string>(['help', 'version', ...Object.keys(FLAGS), ...Object.values(FLAGS).flatMap((f) => ('shortFlag' in f ? [f.shortFlag] : []))]);

/**
 * Checks the flags. `given` are the flag names as typed (meow's
 * unnormalizedFlags keys), so an unknown one is reported by the name the user typed.
 */
export function parseOptions(flags: RawFlags, input: readonly string[] = [], given: readonly string[] = []): Options {
	const unknown = given.find((name) => !KNOWN.has(name));
	if (unknown !== undefined) throw new UsageError(`unknown option ${unknown.length === 1 ? '-' : '--'}${unknown} (see nettop --help)`);
	if (input.length > 0) throw new UsageError(`unexpected argument "${input[0]}" (see nettop --help)`);
	const interval = flags.interval === undefined ? 1 : Number(flags.interval);
	if (flags.interval !== undefined && (flags.interval.trim() === '' || !Number.isFinite(interval) || interval < 0.01 || interval > MAX_INTERVAL_S)) {
		throw new UsageError(`-i/--interval wants seconds between 0.01 and ${MAX_INTERVAL_S}, got "${flags.interval}"`);
	}
	let count: number | undefined;
	if (flags.count !== undefined) {
		count = Number(flags.count);
		if (!/^\s*\d+\s*$/.test(flags.count) || !Number.isSafeInteger(count) || count < 1) {
			throw new UsageError(`-n/--count wants a whole number of intervals (1 or more), got "${flags.count}"`);
		}
	}
	if (flags.ipv4 && flags.ipv6) throw new UsageError('-4 and -6 exclude each other: leave both out for both families');
	const filter: Filter = {
		pids: numberList(flags.pid, '-p/--pid', 'process IDs', 1, 2 ** 22),
		ports: numberList(flags.port, '-P/--port', 'ports', 1, 65535),
		family: flags.ipv4 ? 4 : flags.ipv6 ? 6 : undefined,
	};
	const tab = parseTab(flags.tab);
	if (flags.log !== undefined && flags.log.trim() === '') throw new UsageError('--log wants a file name');
	return { json: flags.json ?? false, intervalMs: Math.round(interval * 1000), count, verbose: flags.verbose ?? false, ms: flags.ms ?? false, filter, tab, logFile: flags.log };
}

/** -t/--tab: a tab by name (nic, tcp or tcptop, rtt, retrans) or number 1-4. */
function parseTab(text: string | undefined): Tab {
	if (text === undefined) return 'nic';
	const t = text.toLowerCase();
	const byNumber = /^[1-4]$/.test(t) ? TABS[Number(t) - 1] : undefined;
	const tab = byNumber ?? (t === 'tcptop' ? 'tcp' : TABS.find((name) => name === t));
	if (!tab) throw new UsageError(`-t/--tab wants one of nic, tcp, rtt, retrans (or 1-4), got "${text}"`);
	return tab;
}

/** "80,443" -> {80, 443}; every item a whole number in [min, max]. */
export function numberList(text: string | undefined, flag: string, what: string, min: number, max: number): Set<number> {
	const out = new Set<number>();
	if (text === undefined) return out;
	for (const item of text.split(',')) {
		const n = Number(item);
		if (!/^\s*\d+\s*$/.test(item) || n < min || n > max) {
			throw new UsageError(`${flag} wants ${what} from ${min} to ${max}, separated by commas; got "${text}"`);
		}
		out.add(n);
	}
	return out;
}
