// Turns meow's raw flags into checked options; every mistake is one line for the user.
import path from 'node:path';
import { ALL_FEATURES, FEATURE_KEYS, type FeatureKey } from './features/index.js';
import { numberList, PID_MAX, UsageError, type Filter } from './model/filter.js';
import { hasTimeFields, unknownField } from './recording/strftime.js';
import { parseWhen, type When } from './recording/when.js';

export { UsageError };

export interface Options {
	readonly json: boolean;
	/** --cost: JSON lines carry nettop's own cost. */
	readonly cost: boolean;
	readonly intervalMs: number;
	readonly count: number | undefined;
	readonly verbose: boolean;
	/** The tab the UI opens on. */
	readonly tab: FeatureKey;
	/** Where libbpf's log goes besides --verbose's stderr. */
	readonly logFile: string | undefined;
	readonly filter: Filter;
	/** The features' own flags (FeatureFlag), by name, as their parse() gave them. */
	readonly settings: Readonly<Record<string, unknown>>;
	/** --prometheus: serve /metrics there instead of the UI. */
	readonly prometheus?: Listen;
	/** --web.config.file (with --prometheus): TLS and basic auth, as node_exporter takes them. */
	readonly webConfigFile?: string;
	/** --prometheus-pid: per-process series get a pid label. */
	readonly prometheusPid?: boolean;
	/** -w/--write: each interval is recorded to this file too. */
	readonly write?: string;
	/** -q/--quiet (with -w): nothing shown, only recorded. */
	readonly quiet?: boolean;
	/** --keep N (with -w and time fields in the name): the newest N files stay. */
	readonly keep?: number;
	/** --history MINUTES: what the UI keeps while live, to step back through (T) and write out (W); 0: none. */
	readonly historyMinutes: number;
	/** -R/--replay: a recording to replay instead of reading the kernel. */
	readonly replay?: string;
	/** --begin, --end (with -R): the intervals that end within them. */
	readonly begin?: When;
	readonly end?: When;
	/** -i with -R: the recorded intervals merged into intervals this long (ms). */
	readonly mergeMs?: number;
}

export interface RawFlags {
	readonly [feature: string]: string | readonly string[] | boolean | undefined;
	readonly json?: boolean;
	readonly cost?: boolean;
	readonly interval?: string;
	readonly count?: string;
	readonly verbose?: boolean;
	/** Repeatable: -p 1 -p 2 is -p 1,2. */
	readonly pid?: string | readonly string[];
	readonly port?: string | readonly string[];
	readonly ipv4?: boolean;
	readonly ipv6?: boolean;
	/** false for --no-loopback. */
	readonly loopback?: boolean;
	readonly tab?: string;
	readonly log?: string;
	readonly cgroup?: string;
	readonly prometheus?: string;
	/** --web.config.file, which the command line rewrites to --web-config-file (webConfigArgv). */
	readonly webConfigFile?: string;
	readonly prometheusPid?: boolean;
	readonly write?: string;
	readonly quiet?: boolean;
	readonly replay?: string;
	readonly begin?: string;
	readonly end?: string;
	readonly keep?: string;
	readonly history?: string;
}

const MAX_INTERVAL_S = 3600;

type FlagSpec = { readonly type: 'boolean' | 'string'; readonly shortFlag?: string; readonly isMultiple?: boolean; readonly default?: boolean };

const FEATURE_FLAGS = ALL_FEATURES.flatMap((f) => f.flags);

/** A flag as users type it: meow's key connEvents is --conn-events. */
export const typed = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** meow's flag definitions, nettop's own and the features': one list for parsing and for rejecting unknown flags. */
export const FLAGS: Readonly<Record<string, FlagSpec>> = {
	json: { type: 'boolean' },
	cost: { type: 'boolean' },
	interval: { type: 'string', shortFlag: 'i' },
	count: { type: 'string', shortFlag: 'n' },
	verbose: { type: 'boolean' },
	pid: { type: 'string', shortFlag: 'p', isMultiple: true },
	port: { type: 'string', shortFlag: 'P', isMultiple: true },
	ipv4: { type: 'boolean', shortFlag: '4' },
	ipv6: { type: 'boolean', shortFlag: '6' },
	// meow gives an absent boolean as false: true unless --no-loopback.
	loopback: { type: 'boolean', default: true },
	tab: { type: 'string', shortFlag: 't' },
	log: { type: 'string' },
	cgroup: { type: 'string' },
	prometheus: { type: 'string' },
	webConfigFile: { type: 'string' },
	prometheusPid: { type: 'boolean' },
	write: { type: 'string', shortFlag: 'w' },
	quiet: { type: 'boolean', shortFlag: 'q' },
	replay: { type: 'string', shortFlag: 'R' },
	begin: { type: 'string' },
	keep: { type: 'string' },
	history: { type: 'string' },
	end: { type: 'string' },
	...Object.fromEntries(FEATURE_FLAGS.map((f) => [f.name, { type: f.type, ...(f.shortFlag ? { shortFlag: f.shortFlag } : {}) }])),
};

/** The features' flags as --help lists them, one a line, in its columns. */
export const FEATURE_FLAG_USAGE = FEATURE_FLAGS.map((f) => {
	const head = `${f.shortFlag ? `-${f.shortFlag}, ` : ''}--${typed(f.name)}${f.arg ? ` ${f.arg}` : ''}`;
	// A long one on its own line, its text under the others'.
	return head.length < 19 ? `    ${head.padEnd(19)}${f.usage}` : `    ${head}\n    ${' '.repeat(19)}${f.usage}`;
}).join('\n');

const KNOWN = new Set<string>(['help', 'h', 'version', ...Object.keys(FLAGS), ...Object.keys(FLAGS).map(typed), ...Object.values(FLAGS).flatMap((f) => (f.shortFlag ? [f.shortFlag] : []))]);

/** What nettop writes: the UI (or the plain table without a terminal), --json lines, or --prometheus series. */
type Output = 'ui' | 'json' | 'prometheus';

const OUTPUT_NAMES: Readonly<Record<Output, string>> = { ui: 'the UI, not with --json or --prometheus', json: '--json', prometheus: '--prometheus' };

/** Flags that mean something for one output only: given for another, they are refused, never ignored. */
const COMPANIONS: readonly { readonly flag: string; readonly given: (flags: RawFlags) => boolean; readonly output: Output; readonly why: string }[] = [
	{ flag: '--cost', given: (f) => f.cost === true, output: 'json', why: "it adds nettop's own cost to each JSON line" },
	{ flag: '--web.config.file', given: (f) => f.webConfigFile !== undefined, output: 'prometheus', why: 'it configures its listener' },
	{ flag: '--prometheus-pid', given: (f) => f.prometheusPid === true, output: 'prometheus', why: 'it labels its per-process series' },
	{ flag: '--history', given: (f) => f.history !== undefined, output: 'ui', why: 'it is what the UI keeps to step back through' },
	{ flag: '-t/--tab', given: (f) => f.tab !== undefined, output: 'ui', why: "it picks the first tab; each JSON line and scrape has every tab's figures" },
];

/**
 * Checks the flags. `given` are the flag names as typed (meow's
 * unnormalizedFlags keys), so an unknown one is reported by the name the user typed.
 */
export function parseOptions(flags: RawFlags, input: readonly string[] = [], given: readonly string[] = []): Options {
	const unknown = given.find((name) => !KNOWN.has(name));
	if (unknown !== undefined) throw new UsageError(`unknown option ${unknown.length === 1 ? '-' : '--'}${unknown} (see nettop --help)`);
	if (input.length > 0) throw new UsageError(`unexpected argument "${input[0]}" (see nettop --help)`);
	const interval = flags.interval === undefined ? 1 : Number(flags.interval);
	// Decimal seconds only: Number() would take 0x10 and 1e1 too.
	if (flags.interval !== undefined && (!/^\s*(\d+\.?\d*|\.\d+)\s*$/.test(flags.interval) || interval < 0.01 || interval > MAX_INTERVAL_S)) {
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
		pids: numberList(joined(flags.pid), '-p/--pid', 'process IDs', 1, PID_MAX),
		ports: numberList(joined(flags.port), '-P/--port', 'ports', 1, 65535),
		family: flags.ipv4 ? 4 : flags.ipv6 ? 6 : undefined,
		...(flags.loopback === false ? { noLoopback: true } : {}),
		...(flags.cgroup !== undefined ? { cgroup: parseCgroupPattern(flags.cgroup) } : {}),
	};
	const tab = parseTab(flags.tab);
	if (flags.log !== undefined && flags.log.trim() === '') throw new UsageError('--log wants a file name');
	const settings = Object.fromEntries(FEATURE_FLAGS.map((f) => [f.name, f.parse(flags[f.name] as string | boolean | undefined)]));
	const prometheus = flags.prometheus === undefined ? undefined : parseListen(flags.prometheus);
	if (prometheus && flags.json) throw new UsageError('--prometheus and --json exclude each other: the metrics are served, not printed');
	const output = flags.json ? 'json' : prometheus ? 'prometheus' : 'ui';
	const alone = COMPANIONS.find((c) => c.given(flags) && c.output !== output);
	if (alone) throw new UsageError(`${alone.flag} goes with ${OUTPUT_NAMES[alone.output]}: ${alone.why}`);
	if (flags.webConfigFile !== undefined && flags.webConfigFile.trim() === '') throw new UsageError('--web.config.file wants a file name');
	const recording = parseRecording(flags, Math.round(interval * 1000));
	const historyMinutes = flags.history === undefined ? 10 : Number(flags.history);
	if (flags.history !== undefined && (!/^\s*\d+\s*$/.test(flags.history) || historyMinutes > 1440)) throw new UsageError(`--history wants minutes from 0 (none) to 1440, got "${flags.history}"`);
	return {
		...recording,
		historyMinutes, json: flags.json ?? false, cost: flags.cost ?? false, intervalMs: Math.round(interval * 1000), count, verbose: flags.verbose ?? false, filter, tab, logFile: flags.log, settings, ...(prometheus ? { prometheus } : {}), ...(flags.webConfigFile ? { webConfigFile: flags.webConfigFile } : {}), ...(flags.prometheusPid ? { prometheusPid: true } : {}) };
}

/** -w, -q and -R: a file name each, and the flags they go with or exclude. */
function parseRecording(flags: RawFlags, intervalMs: number): Pick<Options, 'write' | 'quiet' | 'keep' | 'replay' | 'begin' | 'end' | 'mergeMs'> {
	for (const [flag, value] of [['-w/--write', flags.write], ['-R/--replay', flags.replay]] as const) {
		if (value !== undefined && value.trim() === '') throw new UsageError(`${flag} wants a file name`);
	}
	if (flags.quiet && flags.write === undefined) throw new UsageError('-q/--quiet goes with -w/--write: it records without showing anything');
	for (const flag of ['begin', 'end'] as const) if (flags[flag] !== undefined && flags.replay === undefined) throw new UsageError(`--${flag} goes with -R/--replay: it picks the recorded intervals to show`);
	const field = flags.write === undefined ? undefined : unknownField(flags.write);
	if (field !== undefined) throw new UsageError(`-w/--write: %${field} is not a time field nettop knows (%Y %m %d %H %M %S %j %F, %% for %)`);
	let keep: number | undefined;
	if (flags.keep !== undefined) {
		keep = Number(flags.keep);
		if (!/^\s*\d+\s*$/.test(flags.keep) || keep < 1 || !Number.isSafeInteger(keep)) throw new UsageError(`--keep wants how many files to keep, 1 or more; got "${flags.keep}"`);
		if (flags.write === undefined || !hasTimeFields(path.basename(flags.write))) throw new UsageError('--keep goes with -w/--write FILE whose name has time fields (nettop-%Y%m%d.rec): it deletes the oldest of those files');
	}
	if (flags.replay === undefined) return { ...(flags.write !== undefined ? { write: flags.write } : {}), ...(flags.quiet ? { quiet: true } : {}), ...(keep !== undefined ? { keep } : {}) };
	const live = [
		['-w/--write', flags.write !== undefined],
		['--keep', flags.keep !== undefined],
		['--history', flags.history !== undefined],
		['--prometheus', flags.prometheus !== undefined],
		...FEATURE_FLAGS.map((f) => [`${f.shortFlag ? `-${f.shortFlag}/` : ''}--${typed(f.name)}`, f.type === 'boolean' ? flags[f.name] === true : flags[f.name] !== undefined] as const),
	] as const;
	const refused = live.find(([, given]) => given);
	if (refused) throw new UsageError(`${refused[0]} does not go with -R/--replay: a replay shows the intervals as they were recorded`);
	return { replay: flags.replay, ...(flags.begin !== undefined ? { begin: parseWhen(flags.begin, '--begin') } : {}), ...(flags.end !== undefined ? { end: parseWhen(flags.end, '--end') } : {}), ...(flags.interval !== undefined ? { mergeMs: intervalMs } : {}) };
}

/**
 * --web.config.file as node_exporter spells it: meow reads a dotted flag as
 * nested keys, so the command line is given it as --web-config-file.
 */
export function webConfigArgv(argv: readonly string[]): string[] {
	return argv.map((a) => (a === '--web.config.file' ? '--web-config-file' : a.startsWith('--web.config.file=') ? `--web-config-file=${a.slice('--web.config.file='.length)}` : a));
}

/** Flags whose values may start with a dash (--begin -5m): meow would read the value as flags, so it is joined to its flag. */
const DASHED_VALUES = new Set(['--begin', '--end']);

/** The command line with `--begin -5m` given to meow as `--begin=-5m`. */
export function valueArgv(argv: readonly string[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const next = argv[i + 1];
		if (DASHED_VALUES.has(argv[i]!) && next !== undefined && /^-\d/.test(next)) out.push(`${argv[i]}=${argv[++i]}`);
		else out.push(argv[i]!);
	}
	return out;
}

/** Where --prometheus listens. */
export interface Listen {
	readonly host: string;
	readonly port: number;
}

/** [HOST]:PORT as --prometheus takes it: ":9977" is 127.0.0.1:9977; an IPv6 host in brackets. */
export function parseListen(text: string): Listen {
	const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text.trim());
	const port = m ? Number(m[3]) : NaN;
	if (!m || port < 1 || port > 65535) throw new UsageError(`--prometheus wants [HOST]:PORT (":9977" listens on 127.0.0.1 only), got "${text}"`);
	return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** --cgroup: text a cgroup path or container id must hold. */
export function parseCgroupPattern(text: string): string {
	const t = text.trim();
	if (t === '' || /[\x00-\x1f]/.test(t)) throw new UsageError(`--cgroup wants part of a cgroup path or container id, got "${text}"`);
	return t;
}

/** A repeatable flag's values as one comma-separated list; undefined when it was not given. */
function joined(value: string | readonly string[] | undefined): string | undefined {
	if (value === undefined || typeof value === 'string') return value;
	return value.length === 0 ? undefined : value.join(',');
}

/** The flag a message of meow's names as given twice (it allows each flag once unless it is isMultiple), as a UsageError; else undefined. */
export function repeatedFlag(error: unknown): UsageError | undefined {
	const name = error instanceof Error ? /^The flag --([\w-]+) can only be set once/.exec(error.message)?.[1] : undefined;
	if (name === undefined) return undefined;
	const short = FLAGS[name]?.shortFlag;
	return new UsageError(`${short ? `-${short}/` : ''}--${name} was given more than once: give it once`);
}

/** What -t/--tab takes: each tab's key (or another name it has), or its number. */
export const TAB_NAMES = `${FEATURE_KEYS.join('|')}|1-${FEATURE_KEYS.length}`;

/** -t/--tab: a tab by key, other name, or number. */
function parseTab(text: string | undefined): FeatureKey {
	if (text === undefined) return FEATURE_KEYS[0]!;
	const t = text.toLowerCase();
	const n = /^[1-9]\d*$/.test(t) ? Number(t) : 0;
	const tab = n >= 1 && n <= FEATURE_KEYS.length ? FEATURE_KEYS[n - 1] : ALL_FEATURES.find((f) => f.key === t || f.aliases.includes(t))?.key;
	if (!tab) throw new UsageError(`-t/--tab wants one of ${TAB_NAMES}, got "${text}"`);
	return tab as FeatureKey;
}
