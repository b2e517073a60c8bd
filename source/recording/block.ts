// A reading as a block of a recording and back (issue 31): what the pipeline reads, so a replay builds every view,
// filter and JSON line from it as live did. The cgroup names the reading's rows need go with it; the recent-event
// lists do not: each is the events before it and the interval's, made again on replay by the feature's own rule.
import { ByteReader, ByteWriter, RecordingError } from '../format/binary.js';
import { ALL_FEATURES, keyed, type Reading } from '../features/index.js';
import { nextRecent as connsRecent } from '../features/conns/model.js';
import { nextRecent as dropsRecent } from '../features/drops/model.js';
import { nextRecent as latencyRecent } from '../features/latency/model.js';
import { nextRecent as retransRecent } from '../features/retrans/model.js';
import { cgroupOf, type Cgroup, type CgroupNames } from '../model/cgroup.js';
import { isUnavailable, type Maybe, type Snapshot } from '../model/reading.js';
import { ValueEncoder } from './value.js';
import { ValueDecoder } from './value-decoder.js';

/** The features that keep a list of recent events: where the interval's events are, and how the list follows from them. */
const RECENT: Readonly<Record<string, { readonly events: string; readonly next: (before: readonly never[], events: readonly never[]) => readonly unknown[] }>> = {
	retrans: { events: 'events', next: retransRecent },
	conns: { events: 'events', next: connsRecent },
	drops: { events: 'events', next: dropsRecent },
	latency: { events: 'packets', next: latencyRecent },
};

/** Snapshot fields not recorded: the pooled arrays' holder, and what replay makes again. */
const LEFT_OUT = new Set(['frame', 'recent']);

/** Cgroup names as a recording learned them: each id's path, from the block that first needed it. */
export class RecordedCgroups implements CgroupNames {
	private readonly byId = new Map<number, Cgroup>();

	get(id: number): Cgroup | undefined {
		return this.byId.get(id);
	}

	learn(id: number, path: string): void {
		if (this.byId.get(id)?.path !== path) this.byId.set(id, cgroupOf(id, path));
	}
}

/** What a block holds, as the value codec writes it. */
interface Tree {
	readonly mono: number;
	readonly wall: number;
	readonly cpuUs: number | undefined;
	readonly programs: unknown;
	readonly netns: ReadonlyMap<number, string> | undefined;
	/** Each feature's snapshot (less LEFT_OUT), or why it was unavailable. */
	readonly features: Readonly<Record<string, unknown>>;
}

function snapshotTree(s: Maybe<Snapshot>): unknown {
	if (isUnavailable(s)) return { unavailable: s.unavailable };
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(s)) if (!LEFT_OUT.has(k)) out[k] = v;
	return out;
}

/** Writes readings as blocks, each a full block (a new epoch) or a delta against the one before. */
export class BlockEncoder {
	private readonly cgroupIds = new Set<number>();
	private readonly encoder = new ValueEncoder({
		key: 'cgroupId',
		seen: (value) => {
			if (typeof value === 'number' && value !== 0) this.cgroupIds.add(value);
		},
	});
	private shadow: unknown;
	/** Cgroup paths written in this epoch, by id. */
	private cgroupsWritten = new Map<number, string>();

	/**
	 * The block of `reading`: `full` starts a new epoch that needs no block
	 * before it. Call in the tick that read it (the snapshots' pooled arrays
	 * hold a later read after that), after the outputs (the cgroup names they
	 * looked up are known then).
	 */
	encode(reading: Reading, full: boolean): Buffer {
		if (full) {
			this.encoder.reset();
			this.shadow = undefined;
			this.cgroupsWritten = new Map();
		}
		const features: Record<string, unknown> = {};
		for (const f of ALL_FEATURES) {
			const s = (reading as unknown as Record<string, Maybe<Snapshot> | undefined>)[f.key];
			if (s !== undefined) features[f.key] = snapshotTree(isUnavailable(s) ? s : f.retain(s));
		}
		const tree: Tree = { mono: reading.mono, wall: reading.wall, cpuUs: reading.cpuUs, programs: reading.programs, netns: reading.netnsNames, features };
		const w = new ByteWriter(4096);
		this.cgroupIds.clear();
		this.shadow = this.encoder.write(w, tree, this.shadow);
		// The paths of the cgroups the rows name, new to the epoch: [id, path, id, path...].
		const learned: (number | string)[] = [];
		for (const id of this.cgroupIds) {
			const path = reading.cgroups?.get(id)?.path;
			if (path === undefined || this.cgroupsWritten.get(id) === path) continue;
			this.cgroupsWritten.set(id, path);
			learned.push(id, path);
		}
		this.encoder.write(w, learned, undefined);
		return w.finish();
	}
}

/** Each feature's recent-event list, by key. */
export type RecentLists = Readonly<Record<string, readonly unknown[]>>;

/** A reading's recent lists (the features that keep one, available in it). */
function recentOf(reading: Reading): RecentLists {
	const out: Record<string, readonly unknown[]> = {};
	for (const key of Object.keys(RECENT)) {
		const s = (reading as unknown as Record<string, Maybe<Snapshot> | undefined>)[key];
		const list = s === undefined || isUnavailable(s) ? undefined : (s as unknown as { recent?: readonly unknown[] }).recent;
		if (list !== undefined && list.length > 0) out[key] = list;
	}
	return out;
}

/**
 * The R frames of a run (docs/recording.md): before a full block, the recent
 * lists as they stood after the reading before it, when they changed since
 * the last R (a collector makes a new list only when events come). A jump
 * to a full block starts from the last R before it, not from the run's
 * start: opening a day's file decodes nothing.
 */
export class RecentFrames {
	private before: RecentLists = {};
	private written: RecentLists = {};

	/** The R frame's payload to write before a full block, or undefined when the lists are those of the last R. */
	beforeFull(): Buffer | undefined {
		const [a, b] = [Object.keys(this.before), Object.keys(this.written)];
		if (a.length === b.length && a.every((k) => this.before[k] === this.written[k])) return undefined;
		this.written = this.before;
		const w = new ByteWriter(4096);
		new ValueEncoder().write(w, this.before, undefined);
		return w.finish();
	}

	/** After each reading recorded. */
	after(reading: Reading): void {
		this.before = recentOf(reading);
	}
}

/** An R frame's lists; `what` names it in errors. */
export function decodeRecent(payload: Uint8Array, what: string): RecentLists {
	const r = new ByteReader(payload, what);
	const lists = new ValueDecoder().read(r, undefined);
	if (r.left !== 0 || typeof lists !== 'object' || lists === null || Object.values(lists).some((l) => !Array.isArray(l))) throw new RecordingError(`${what}: not the recent lists`);
	return lists as RecentLists;
}

/** Reads blocks back into readings, in the order they were written from the last full block on. */
export class BlockDecoder {
	private readonly decoder = new ValueDecoder();
	private tree: Tree | undefined;
	private recent: Record<string, readonly unknown[]> = {};

	/** The recent lists after the last block decoded. */
	recentLists(): RecentLists {
		return { ...this.recent };
	}

	/** The recent lists as they were before the next block (a full one, decoded after a jump). */
	setRecent(lists: RecentLists): void {
		this.recent = { ...lists };
	}

	constructor(private readonly cgroups = new RecordedCgroups()) {}

	/** A new run of nettop (a segment of the file): its recent lists start empty, as live. */
	restart(): void {
		this.recent = {};
		this.tree = undefined;
	}

	/** The reading in `payload` (a full block when `full`, else a delta against the block decoded last); `what` names it in errors. */
	decode(payload: Uint8Array, full: boolean, what: string): Reading {
		if (full) {
			this.decoder.reset();
			this.tree = undefined;
		} else if (!this.tree) {
			throw new RecordingError(`${what}: a delta block with no full block before it`);
		}
		const r = new ByteReader(payload, what);
		let tree: Tree;
		let learned: unknown[];
		try {
			tree = this.decoder.read(r, this.tree) as Tree;
			learned = this.decoder.read(r, undefined) as unknown[];
		} catch (error) {
			// Values nested deeper than the stack: only a file made to do it.
			if (error instanceof RangeError) throw new RecordingError(`${what}: ${error.message}`);
			throw error;
		}
		if (r.left !== 0) throw new RecordingError(`${what}: ${r.left} bytes left over`);
		if (typeof tree?.mono !== 'number' || typeof tree.wall !== 'number' || typeof tree.features !== 'object' || !Array.isArray(learned)) throw new RecordingError(`${what}: not a reading`);
		this.tree = tree;
		for (let i = 0; i + 1 < learned.length; i += 2) this.cgroups.learn(learned[i] as number, learned[i + 1] as string);
		const reading: Record<string, unknown> = { mono: tree.mono, wall: tree.wall, cgroups: this.cgroups };
		if (tree.cpuUs !== undefined) reading.cpuUs = tree.cpuUs;
		if (tree.programs !== undefined) reading.programs = tree.programs;
		if (tree.netns !== undefined) reading.netnsNames = tree.netns;
		for (const [key, s] of Object.entries(tree.features)) reading[key] = this.withRecent(key, s as Record<string, unknown>);
		return keyed<Reading>(reading);
	}

	/** A snapshot with its recent list made again from the list before and the interval's events, as its collector made it. */
	private withRecent(key: string, s: Record<string, unknown>): unknown {
		const rule = RECENT[key];
		if (!rule || 'unavailable' in s) return s;
		const events = (s[rule.events] ?? []) as readonly never[];
		const before = (this.recent[key] ?? []) as readonly never[];
		const recent = events.length > 0 ? rule.next(before, events) : before;
		this.recent[key] = recent;
		return { ...s, recent };
	}
}
