// The reading contract: what a collector's read hands the model, and whether it may still be used.
import type { CgroupNames } from './cgroup.js';

/** A collector that could not start, and why (one line). */
export interface Unavailable {
	readonly unavailable: string;
}

export type Maybe<T> = T | Unavailable;

export function isUnavailable<T>(x: Maybe<T>): x is Unavailable {
	return typeof x === 'object' && x !== null && 'unavailable' in x;
}

/** One set of pooled arrays (kernel/frames.ts); `holder` is the snapshot whose values it holds now. */
export interface Frame {
	holder: unknown;
}

/** What every collector's read gives: its cumulative count of updates the kernel could not record, and the frame its arrays may live in. */
export interface Snapshot {
	readonly lost: number;
	/** Set when the snapshot's arrays are pooled: they hold a later read once the frame is taken again. */
	readonly frame?: Frame;
}

/** False once the snapshot's frame holds a later read. */
export function isCurrent(s: Snapshot): boolean {
	return s.frame === undefined || s.frame.holder === s;
}

/** Throws when a snapshot's pooled arrays now hold a later read (a caller kept it too long): never a wrong number. */
export function requireCurrent(s: Snapshot): void {
	if (!isCurrent(s)) throw new Error('internal: a snapshot was used after its arrays were reused by a later read');
}

/** When a reading was taken: `mono` a monotonic clock (ms), `wall` the epoch time (ms). Each feature's snapshot sits beside them under its key. */
export interface ReadingTimes {
	readonly mono: number;
	readonly wall: number;
	/** Per feature, its programs' counters added up (cumulative). */
	readonly programs?: Readonly<Record<string, ProgramTotals>>;
	/** nettop's own CPU time, user and system (µs, cumulative). */
	readonly cpuUs?: number;
	/** Names of network namespaces by inode, as `ip netns` knows them. */
	readonly netnsNames?: ReadonlyMap<number, string>;
	/** Cgroups by id (kernel/cgroups.ts): the path and container of an owner's cgroup id. */
	readonly cgroups?: CgroupNames;
}

/** A feature's programs, added up: runs the kernel skipped because another BPF program was running on the CPU, and (with kernel.bpf_stats_enabled) their run time. */
export interface ProgramTotals {
	readonly recursionMisses: number;
	readonly runTimeNs: number;
	readonly runCount: number;
}

/** What nettop cost during an interval, in CPUs (1 = one CPU busy all the interval). */
export interface Cost {
	/** nettop's process, user and system. */
	readonly cpu: number;
	/** Its BPF programs in the kernel; undefined while kernel.bpf_stats_enabled is 0 (the kernel then times nothing). */
	readonly bpf?: number;
}

/** One interval: its end (epoch ms), its measured length (s), and the updates lost in the kernel during it, by feature. Each feature's view sits beside them under its key. */
export interface IntervalTimes {
	readonly time: number;
	readonly interval: number;
	readonly lost: Readonly<Record<string, number>>;
	/** What nettop itself cost during the interval. */
	readonly cost?: Cost;
	/** The filter's PIDs that name no process: the header says so, so an empty screen is not taken for an idle process. */
	readonly absentPids?: readonly number[];
	/** The names the interval's rows are written with (JSON, series): of namespaces and of owners' cgroups. */
	readonly names: RowNames;
}

/** What rows name their namespace and owner's cgroup by, for the outputs that write them (JSON, /metrics). */
export interface RowNames {
	/** Names of network namespaces by inode, as `ip netns` knows them. */
	readonly netns: ReadonlyMap<number, string>;
	readonly cgroups: CgroupNames;
}
