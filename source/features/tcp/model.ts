// Traffic model: bytes per TCP connection and UDP socket as read, then per connection, per process and per container over one interval.
import { counterDelta } from '../../model/counters.js';
import { cgroupFieldsOf, NO_CGROUPS, type Cgroup, type CgroupNames } from '../../model/cgroup.js';
import { isFiltering, matches, matchesCgroup, type Filter } from '../../model/filter.js';
import { socketRow, type SocketFlow, type SocketRow } from '../../model/flow.js';
import { byKeyDescending, indexesByKeyDescending } from '../../model/order.js';
import { matchSlots, type SlotSnapshot } from '../../model/slots.js';
import { unionSlots } from '../../model/span.js';

/** One process on one connection: decoded once, when nettop first sees it, and shared by every read that holds it. */
export type TcpFlow = SocketFlow;

/**
 * Bytes moved per flow since nettop first saw it, in columns: entry i is
 * flows[i], tx[i], rx[i]. `slot` (ascending) places each entry in the kernel's
 * table, so two reads are matched entry by entry without hashing.
 */
export interface TcpSnapshot extends SlotSnapshot<TcpFlow> {
	readonly tx: Float64Array;
	readonly rx: Float64Array;
}

/** A copy of a snapshot that no later read changes. */
export function retainTcp(s: TcpSnapshot): TcpSnapshot {
	return { count: s.count, flows: s.flows.slice(0, s.count), slot: s.slot.slice(0, s.count), tx: s.tx.slice(0, s.count), rx: s.rx.slice(0, s.count), lost: s.lost };
}

/** Reads one after another as one (Feature.span): each flow's last entry, a flow closed meanwhile at the bytes it closed with. */
export function spanTcp(snaps: readonly TcpSnapshot[]): TcpSnapshot {
	if (snaps.length === 1) return snaps[0]!;
	const picks = unionSlots(snaps);
	const n = picks.length;
	const [slot, tx, rx] = [new Uint32Array(n), new Float64Array(n), new Float64Array(n)];
	const flows = picks.map(({ from, at }, i) => {
		const s = snaps[from]!;
		[slot[i], tx[i], rx[i]] = [s.slot[at]!, s.tx[at]!, s.rx[at]!];
		return s.flows[at]!;
	});
	return { count: n, flows, slot, tx, rx, lost: snaps.at(-1)!.lost };
}

export type TcpRow = SocketRow & {
	readonly tx_bytes: number;
	readonly rx_bytes: number;
	readonly cgroup: string | null;
	readonly container: string | null;
};

const sameFlow = (a: TcpFlow, b: TcpFlow) => a === b || (a.cookie === b.cookie && a.pid === b.pid);

/**
 * Connections that moved bytes during the interval, in columns: row i is
 * flows[i], tx[i], rx[i], rows in the order of the kernel's slots. Tens of
 * thousands of rows a refresh stay three arrays; a row becomes a record only
 * where one is shown (row(), records() busiest first); --json writes them
 * from the columns (tcp/index.ts). The UI sorts only the rows that fit on screen.
 */
export class TcpRows {
	private busiest?: number[];

	constructor(
		readonly flows: readonly TcpFlow[],
		readonly tx: Float64Array,
		readonly rx: Float64Array,
		/** Row i's owner's cgroup, when known. */
		readonly groups: readonly (Cgroup | undefined)[] = [],
	) {}

	/** The rows of one protocol (`tcp` and `udp` in --json), in the same order. */
	only(proto: 'tcp' | 'udp'): TcpRows {
		let n = 0;
		for (const f of this.flows) if (f.proto === proto) n++;
		if (n === this.length) return this;
		const flows: TcpFlow[] = [];
		const groups: (Cgroup | undefined)[] = [];
		const tx = new Float64Array(n);
		const rx = new Float64Array(n);
		for (let i = 0, k = 0; i < this.length; i++) {
			if (this.flows[i]!.proto !== proto) continue;
			flows.push(this.flows[i]!);
			groups.push(this.groups[i]);
			tx[k] = this.tx[i]!;
			rx[k++] = this.rx[i]!;
		}
		return new TcpRows(flows, tx, rx, groups);
	}

	/** Row indexes busiest first (bytes both ways; ties in row order), sorted when first asked. */
	order(): readonly number[] {
		return (this.busiest ??= indexesByKeyDescending(this.length, (i) => this.tx[i]! + this.rx[i]!));
	}

	get length(): number {
		return this.flows.length;
	}

	/** Row i as a record: its connection, owner and bytes (one object literal: one shape, no growth). */
	row(i: number): TcpRow {
		return { ...socketRow(this.flows[i]!), tx_bytes: this.tx[i]!, rx_bytes: this.rx[i]!, ...cgroupFieldsOf(this.groups[i]) };
	}

	/** The rows (busiest first) as records. */
	records(): TcpRow[] {
		return this.order().map((i) => this.row(i));
	}

	/** The total of a column. */
	sum(column: 'tx' | 'rx'): number {
		let n = 0;
		for (const v of this[column]) n += v;
		return n;
	}
}

export const NO_ROWS = new TcpRows([], new Float64Array(0), new Float64Array(0));

/** Connections and UDP sockets that moved bytes during the interval and pass the filter, with their owners' cgroups. */
export function tcpRows(prev: TcpSnapshot | undefined, cur: TcpSnapshot, filter: Filter, _names?: unknown, cgroups: CgroupNames = NO_CGROUPS): TcpRows {
	const before = matchSlots(prev, cur, sameFlow);
	const filtering = isFiltering(filter);
	const flows: TcpFlow[] = [];
	const groups: (Cgroup | undefined)[] = [];
	const tx = new Float64Array(cur.count);
	const rx = new Float64Array(cur.count);
	let n = 0;
	for (let i = 0; i < cur.count; i++) {
		const flow = cur.flows[i]!;
		if (filtering && !matches(filter, flow)) continue;
		const group = cgroups.get(flow.cgroupId);
		if (!matchesCgroup(filter, group)) continue;
		const j = before[i]!;
		const t = counterDelta(j < 0 ? undefined : prev!.tx[j], cur.tx[i]!);
		const r = counterDelta(j < 0 ? undefined : prev!.rx[j], cur.rx[i]!);
		if (t === 0 && r === 0) continue;
		flows.push(flow);
		groups.push(group);
		tx[n] = t;
		rx[n] = r;
		n++;
	}
	return new TcpRows(flows, tx.subarray(0, n), rx.subarray(0, n), groups);
}

export interface TcpProcess {
	readonly pid: number;
	readonly comm: string;
	readonly tx_bytes: number;
	readonly rx_bytes: number;
	/** How many of its connections and UDP sockets moved bytes. */
	readonly connections: number;
	/** Which protocols they were: 'tcp', 'udp' or 'both'. */
	readonly protos: 'tcp' | 'udp' | 'both';
	/** Its cgroup, when known. */
	readonly cgroup?: Cgroup;
}

/** A container's (or a cgroup's) rows added up. */
export interface TcpGroup {
	/** The container id, or the cgroup path; '-' for rows whose cgroup is not known. */
	readonly name: string;
	readonly processes: number;
	readonly connections: number;
	readonly tx_bytes: number;
	readonly rx_bytes: number;
}

/** Rows grouped by process, busiest first. */
export function tcpProcesses(rows: TcpRows): TcpProcess[] {
	type Totals = { -readonly [K in keyof TcpProcess]: TcpProcess[K] };
	const by = new Map<number, Totals>();
	let p: Totals | undefined;
	for (let i = 0; i < rows.length; i++) {
		const flow = rows.flows[i]!;
		// A process's connections often sit side by side: look it up when the pid changes.
		if (p?.pid !== flow.pid) p = by.get(flow.pid);
		if (p) {
			p.tx_bytes += rows.tx[i]!;
			p.rx_bytes += rows.rx[i]!;
			p.connections++;
			if (p.protos !== flow.proto) p.protos = 'both';
		} else {
			by.set(flow.pid, (p = { pid: flow.pid, comm: flow.comm, tx_bytes: rows.tx[i]!, rx_bytes: rows.rx[i]!, connections: 1, protos: flow.proto, cgroup: rows.groups[i] }));
		}
	}
	return byKeyDescending([...by.values()], total);
}

/** Rows grouped by container (rows outside one by their cgroup path) or by cgroup path, busiest first. */
export function tcpGroups(rows: TcpRows, by: 'container' | 'cgroup'): TcpGroup[] {
	type Totals = { -readonly [K in keyof TcpGroup]: TcpGroup[K] } & { pids: Set<number> };
	const groups = new Map<string, Totals>();
	for (let i = 0; i < rows.length; i++) {
		const g = rows.groups[i];
		const name = g === undefined ? '-' : by === 'container' ? (g.container ?? g.path) : g.path;
		let t = groups.get(name);
		if (!t) groups.set(name, (t = { name, processes: 0, connections: 0, tx_bytes: 0, rx_bytes: 0, pids: new Set() }));
		t.pids.add(rows.flows[i]!.pid);
		t.processes = t.pids.size;
		t.connections++;
		t.tx_bytes += rows.tx[i]!;
		t.rx_bytes += rows.rx[i]!;
	}
	return byKeyDescending(
		[...groups.values()].map(({ pids: _pids, ...g }) => g),
		total,
	);
}

const total = (r: { tx_bytes: number; rx_bytes: number }) => r.tx_bytes + r.rx_bytes;
