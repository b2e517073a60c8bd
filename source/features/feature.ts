// What a feature is: a collector, its model, a tab, and its JSON and plain-text writers, under one key.
import type { BpfObject } from '../../native/object.js';
import type { Layout } from '../../native/layouts.js';
import type { Cursor, Line } from '../format/lines.js';
import type { Piece } from '../format/json-piece.js';
import type { SocketOwners } from '../kernel/owners.js';
import type { NetnsActivity } from '../kernel/snmp.js';
import type { CgroupNames } from '../model/cgroup.js';
import type { Filter } from '../model/filter.js';
import type { MetricSink } from '../model/metrics.js';
import type { Maybe, RowNames, Snapshot } from '../model/reading.js';

/** What every feature's kernel side is given: its flags' values and the kernel state features share. */
export interface FeatureContext {
	/** Every feature's flag values by flag name, as their parse() gave them. */
	readonly settings: Readonly<Record<string, unknown>>;
	readonly owners: SocketOwners;
	/** The namespaces whose counters moved this read: collectors mark them as they read, MIB readers visit them (kernel/snmp.ts). */
	readonly netns: NetnsActivity;
}

/** A flag a feature adds to the command line; its value reaches the feature's kernel side through the open context. */
export interface FeatureFlag {
	/** meow's key, camelCase: connEvents is typed --conn-events. */
	readonly name: string;
	readonly type: 'boolean' | 'string';
	readonly shortFlag?: string;
	/** What a string flag takes, for --help: "connect|accept". */
	readonly arg?: string;
	/** Its line in --help. */
	readonly usage: string;
	/** What the header shows while the flag's value (as parse() gave it) is in force; undefined: nothing. */
	header?(value: unknown): string | undefined;
	/** The value the feature uses; throws a UsageError (one line) for a bad one. */
	parse(value: string | boolean | undefined): unknown;
}

/** Reads one feature's kernel state. `now` (a monotonic clock, ms) dates activity. */
export interface Collector<S extends Snapshot> {
	/** Unavailable: it could not load after all (an on-demand collector finds out when first wanted). */
	read(now: number): Maybe<S>;
	/**
	 * For a collector whose programs run only on demand: told, after every key,
	 * whether its tab is shown and its tab's state (docs/latency.md).
	 */
	show?(shown: boolean, tabState: unknown): void;
	/** An on-demand collector: whether its programs are loaded now (one that is not counts for nothing when nettop checks any could start). */
	readonly active?: boolean;
	/** The kernel object it reads: collectors.ts reads its programs' counters (recursion misses, run time) each interval. */
	readonly obj: Pick<BpfObject, 'programStats'>;
	close(): void;
}

/** What a tab is given to draw its rows. */
export interface TabProps<T> {
	readonly state: T;
	/** The tab's current sort (one of its `sorts`). */
	readonly sort: string;
	/** Length of the interval shown, in seconds. */
	readonly seconds: number;
	readonly height: number;
	readonly width: number;
	/** Inode of nettop's own network namespace: its interfaces show no NETNS. */
	readonly currentNetns: number;
	/** Whether the terminal's locale shows block characters. */
	readonly unicode: boolean;
	/** For the plain table (a pipe): every row, no decoration such as sparklines. */
	readonly plain?: boolean;
	/** The selected row of the tab's list (see Tab.list), or where it was when it left; undefined: none shown selected. */
	readonly cursor?: Cursor;
	/** The filter in force: a list's hint suggests only the filter keys not in use. */
	readonly filter?: Filter;
}

/** A process, as a row of a list names it: what Enter drills into. */
export interface Owner {
	readonly pid: number;
	readonly comm: string;
}

/** A tab's list of rows that Up and Down select, in the order shown. */
export interface TabList {
	readonly length: number;
	/** The process of row i, when the row has one. */
	owner(i: number): Owner | undefined;
	/** What row i is, the same from one interval to the next (compared with ===): the selection follows it as rows re-sort. */
	id(i: number): unknown;
	/** Where the row whose id is `id` is now; -1 when it is not in the list. */
	indexOf(id: unknown): number;
	/** Row i in a few words, to say that it left the list: "process 1234 curl". */
	name(i: number): string;
	/** Rows one page of the list shows on the tab at the size it was given: what PgUp and PgDn move by. */
	page(): number;
}

/** A key that only means something on its feature's tab; it changes the tab's state. */
export interface TabKey<T> {
	readonly key: string;
	/** For the help and the README, after the tab's title: "connections". */
	readonly help: string;
	/** For the footer, given the tab's state: "c conns". */
	footer(state: T): string;
	apply(state: T): T;
	/** It changes what the kernel side does (what is sampled), not what is shown: a replay says it cannot. */
	readonly live?: boolean;
}

export interface Tab<V, T> {
	readonly title: string;
	/** Its name where the tab bar has no room for the title: a word still ("Conns", "Lat"). */
	readonly short: string;
	/** What the sort key cycles through; the first is the default. */
	readonly sorts: readonly string[];
	/** The tab's own state (what its keys toggle, what it remembers across intervals). */
	readonly initial: T;
	readonly keys: readonly TabKey<T>[];
	/** A new interval (not the shown one filtered anew): what the tab remembers of it. */
	next?(state: T, view: Maybe<V>, seconds: number): T;
	/** The rows below the tab bar; `view` is undefined before the first interval. */
	lines(view: Maybe<V> | undefined, props: TabProps<T>): Line[];
	/** The list the selection moves in, for the view and the props the tab's lines get (its state, sort and size). */
	list?(view: V, props: TabProps<T>): TabList;
}

/** One figure of the summary line: "NIC 2.9M 0". */
export interface SummaryPart {
	readonly label: string;
	readonly text: string;
	/** The same figures in fewer characters, for a narrow screen: "28/126us". */
	readonly short?: string;
	/** Shown in red: something is wrong (retransmits). */
	readonly alert?: boolean;
}

/** What a feature's figure in the summary line is: for its layout and for the help. */
export interface SummaryFigure {
	/** Its label as the help names it: "TCP". */
	readonly label: string;
	/**
	 * Columns the figure (label, a space, text) takes with the widest usual
	 * values: the summary's layout is chosen from these and the screen's
	 * width, not from the values of the moment, so it holds still.
	 */
	readonly width: number;
	/** The same for its short form (SummaryPart.short), when it has one. */
	readonly shortWidth?: number;
	/** What it is, for the help: "p50 and p99 of TCP's smoothed round-trip times". */
	readonly help: string;
}

/**
 * A feature: source/features/<key>/, with bpf/<key>.bpf.c and bpf/<key>.h.
 * S is its collector's snapshot, V its view of one interval, T its tab's state.
 */
export interface Feature<K extends string, S extends Snapshot, V, T> {
	/** Its key in the JSON line, its tab's name for -t/--tab, its object's name (bpf/<key>.bpf.o). */
	readonly key: K;
	/** Other names -t/--tab takes for it. */
	readonly aliases: readonly string[];
	/** The structs of bpf/<key>.h, checked against the object's BTF. */
	readonly layouts: readonly Layout[];
	/** Command-line flags of its own. */
	readonly flags: readonly FeatureFlag[];
	/**
	 * Opens, loads and attaches its object, side by side with the other
	 * features'; rejects (one line) when it cannot run here. Called in the
	 * registry's order, which is the order of turns for the owner map.
	 */
	open(context: FeatureContext): Promise<Collector<S>>;
	/** The version of its snapshot's shape in a recording's header (-w): raised when a field comes or changes meaning; a replay refuses a newer one. */
	readonly recorded: number;
	/** A copy of a snapshot that later reads leave as it is (for a paused screen), or the snapshot when nothing in it is reused. */
	retain(snapshot: S): S;
	/**
	 * Reads taken one after another (oldest first) as one read after the read
	 * before the first: what a replay's -i N makes a longer interval of. Its
	 * interval from that read holds the shorter intervals' figures added up:
	 * what each read drained (events) put together, what the kernel let go
	 * meanwhile (closed flows, idle entries) at its last value.
	 */
	span(snapshots: readonly S[]): S;
	/** The interval from `prev` (undefined: from nothing) to `cur`, filtered. */
	interval(prev: S | undefined, cur: S, filter: Filter, netnsNames: ReadonlyMap<number, string>, cgroups: CgroupNames): V;
	/** Writes the view as the value of its key in the JSON line, its rows' namespaces and cgroups by `names`; yields pieces of it when it is long. */
	json(view: V, out: Piece, names: RowNames): Iterable<Uint8Array>;
	/** Adds the interval's figures to the Prometheus series (--prometheus): counters as deltas, named nettop_*, in base units. */
	metrics?(view: V, sink: MetricSink, names: RowNames): void;
	/** Keys of its own after its key in the JSON line (tcp's view gives `udp` too), each written from the same view. */
	readonly moreJson?: readonly { readonly key: string; json(view: V, out: Piece, names: RowNames): Iterable<Uint8Array> }[];
	/** Its lines in the plain table (no terminal, no --json), which keeps a tab state of its own. */
	text(view: Maybe<V>, props: TabProps<T>): string[];
	/** Its figure in the summary line; `view` undefined when the collector is unavailable. Undefined: none (a feature turned off). */
	summary(view: V | undefined, seconds: number): SummaryPart | undefined;
	readonly figure: SummaryFigure;
	readonly tab: Tab<V, T>;
}

/** Any feature, as the registry and the outputs handle them all alike. */
export type SomeFeature = Feature<string, Snapshot, unknown, unknown>;
