// The pipeline: keeps the previous and current readings, the filter and the copies taken while paused, and makes the one Sample every output renders.
import { ALL_FEATURES, entry, keyed, type Reading, type Sample } from './features/index.js';
import { NO_CGROUPS, type Cgroup, type CgroupNames } from './model/cgroup.js';
import { NO_FILTER, type Filter } from './model/filter.js';
import { unionMaps } from './model/span.js';
import { isCurrent, isUnavailable, type Cost, type Maybe, type Snapshot } from './model/reading.js';

/** False once a later read reused the arrays of one of this reading's snapshots (they are pooled: kernel/frames.ts). */
function isFresh(reading: Reading): boolean {
	return ALL_FEATURES.every((f) => {
		const s = entry(reading, f.key) as Maybe<Snapshot>;
		return isUnavailable(s) || isCurrent(s);
	});
}

const NO_NAMES: ReadonlyMap<number, string> = new Map();

/** A copy of a reading that later reads leave as it is. */
function retained(reading: Reading): Reading {
	const out: Record<string, unknown> = { ...reading };
	for (const f of ALL_FEATURES) {
		const s = entry(reading, f.key) as Maybe<Snapshot>;
		if (!isUnavailable(s)) out[f.key] = f.retain(s);
	}
	return keyed<Reading>(out);
}

/**
 * Readings taken one after another (oldest first) as one reading: the
 * interval to it from the reading before the first holds the shorter
 * intervals' figures added up (Feature.span). A replay's -i N merges with it.
 * A feature unavailable in the last reading is unavailable; otherwise its
 * snapshots since it last was (its counters began again then).
 */
export function spanReadings(readings: readonly Reading[]): Reading {
	const last = readings.at(-1)!;
	if (readings.length === 1) return last;
	const out: Record<string, unknown> = { ...last };
	for (const f of ALL_FEATURES) {
		const snaps: Snapshot[] = [];
		for (let i = readings.length - 1; i >= 0; i--) {
			const s = entry(readings[i]!, f.key) as Maybe<Snapshot> | undefined;
			// Not read (a recording made without it), or unavailable: its counters begin after.
			if (s === undefined || isUnavailable(s)) break;
			snaps.unshift(s);
		}
		if (snaps.length > 1) out[f.key] = f.span(snaps);
	}
	// Names of namespaces and cgroups gone meanwhile still name the rows they had.
	const names = readings.map((r) => r.netnsNames).filter((n) => n !== undefined);
	if (names.length > 0) out.netnsNames = unionMaps(names);
	const cgroups = [...new Set(readings.map((r) => r.cgroups).filter((c) => c !== undefined))].reverse();
	if (cgroups.length > 1) out.cgroups = { get: (id: number) => cgroups.reduce<Cgroup | undefined>((found, c) => found ?? c.get(id), undefined) } satisfies CgroupNames;
	return keyed<Reading>(out);
}

/** The interval from `prev` to `cur`: each feature's view, filtered, and what the kernel lost meanwhile. */
export function buildSample(prev: Reading, cur: Reading, filter: Filter = NO_FILTER, exists: (pid: number) => boolean = () => true): Sample {
	const names = { netns: cur.netnsNames ?? NO_NAMES, cgroups: cur.cgroups ?? NO_CGROUPS };
	const sample: Record<string, unknown> = { time: cur.wall, interval: (cur.mono - prev.mono) / 1000, names };
	const absent = [...filter.pids].filter((pid) => !exists(pid));
	if (absent.length > 0) sample.absentPids = absent;
	const lost: Record<string, number> = {};
	for (const f of ALL_FEATURES) {
		const c = entry(cur, f.key) as Maybe<Snapshot>;
		const p = entry(prev, f.key) as Maybe<Snapshot>;
		if (isUnavailable(c)) {
			sample[f.key] = c;
			continue;
		}
		const before = isUnavailable(p) ? undefined : p;
		sample[f.key] = f.interval(before, c, filter, names.netns, names.cgroups);
		// Lost: what a full map or ring refused, and the runs of its programs the kernel skipped (recursion misses).
		const misses = (cur.programs?.[f.key]?.recursionMisses ?? 0) - (prev.programs?.[f.key]?.recursionMisses ?? 0);
		const grew = c.lost - (before?.lost ?? 0) + Math.max(0, misses);
		if (grew > 0) lost[f.key] = grew;
	}
	sample.lost = lost;
	const cost = intervalCost(prev, cur);
	if (cost) sample.cost = cost;
	return keyed<Sample>(sample);
}

/** nettop's cost between two readings, in CPUs; its programs' only when the kernel timed them (kernel.bpf_stats_enabled). */
function intervalCost(prev: Reading, cur: Reading): Cost | undefined {
	const seconds = (cur.mono - prev.mono) / 1000;
	if (prev.cpuUs === undefined || cur.cpuUs === undefined || seconds <= 0) return undefined;
	const cpu = (cur.cpuUs - prev.cpuUs) / 1e6 / seconds;
	const total = (r: Reading, k: 'runTimeNs' | 'runCount') => Object.values(r.programs ?? {}).reduce((n, p) => n + p[k], 0);
	const runs = total(cur, 'runCount') - total(prev, 'runCount');
	return runs > 0 ? { cpu, bpf: (total(cur, 'runTimeNs') - total(prev, 'runTimeNs')) / 1e9 / seconds } : { cpu };
}

export class Pipeline {
	private prev: Reading | undefined;
	private cur: Reading | undefined;
	private held = false;

	/** `exists` tells whether a PID names a process (the filter's that do not are named in the sample). */
	constructor(
		private filter: Filter = NO_FILTER,
		private readonly exists: (pid: number) => boolean = () => true,
	) {}

	/**
	 * A new reading: the interval since the one before, or undefined for the
	 * first (or when the one before was reused meanwhile: start over, never a
	 * wrong delta). While paused, readings are let go: the shown interval stays.
	 */
	push(reading: Reading): Sample | undefined {
		if (this.held) return undefined;
		const prev = this.cur && isFresh(this.cur) ? this.cur : undefined;
		this.prev = prev;
		this.cur = reading;
		return prev && buildSample(prev, reading, this.filter, this.exists);
	}

	/** Forgets the readings: the next is a first (a replay jumping, or a recording's next run). */
	reset(): void {
		this.prev = this.cur = undefined;
	}

	/** The filter from now on; the shown interval made again with it (undefined before the first). */
	refilter(filter: Filter): Sample | undefined {
		this.filter = filter;
		return this.prev && this.cur && isFresh(this.prev) && isFresh(this.cur) ? buildSample(this.prev, this.cur, filter, this.exists) : undefined;
	}

	/** Paused: the shown interval must outlive the reads that go on, so keep copies of its readings. Resumed: the next interval starts at the last one kept. */
	hold(paused: boolean): void {
		if (paused && !this.held) {
			this.prev &&= retained(this.prev);
			this.cur &&= retained(this.cur);
		}
		this.held = paused;
	}
}
