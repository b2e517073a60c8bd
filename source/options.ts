// Turns meow's raw flags into checked options; every mistake is one line for the user.

export interface Options {
	readonly json: boolean;
	readonly intervalMs: number;
	readonly count: number | undefined;
	readonly verbose: boolean;
}

export interface RawFlags {
	readonly json?: boolean;
	readonly interval?: string;
	readonly count?: string;
	readonly verbose?: boolean;
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
	return { json: flags.json ?? false, intervalMs: Math.round(interval * 1000), count, verbose: flags.verbose ?? false };
}
