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

export function parseOptions(flags: RawFlags, input: readonly string[] = []): Options {
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
