// tcptop model: bytes per connection as read, then per connection and per process over one interval.
import { counterDelta } from '../../model/counters.js';
import { isFiltering, matches, type Filter } from '../../model/filter.js';
import type { OwnedFlow, SocketFlow } from '../../model/flow.js';
import { byKeyDescending } from '../../model/order.js';
import { matchSlots, type SlotSnapshot } from '../../model/slots.js';

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

export interface TcpRow extends OwnedFlow {
	readonly tx_bytes: number;
	readonly rx_bytes: number;
}

const sameFlow = (a: TcpFlow, b: TcpFlow) => a === b || (a.cookie === b.cookie && a.pid === b.pid);

/**
 * Connections that moved bytes during the interval, in columns: row i is
 * flows[i], tx[i], rx[i], rows in the order of the kernel's slots. Tens of
 * thousands of rows a refresh stay three arrays; a row becomes a record only
 * where one is shown or printed (row(), and records() and toJSON() for
 * --json, which go busiest first). The UI sorts only the rows that fit on screen.
 */
export class TcpRows {
	private busiest?: number[];

	constructor(
		readonly flows: readonly TcpFlow[],
		readonly tx: Float64Array,
		readonly rx: Float64Array,
	) {}

	/** Row indexes busiest first (bytes both ways; ties in row order), sorted when first asked. */
	order(): readonly number[] {
		return (this.busiest ??= byKeyDescending(
			Array.from({ length: this.length }, (_, i) => i),
			(i) => this.tx[i]! + this.rx[i]!,
		));
	}

	get length(): number {
		return this.flows.length;
	}

	/** Row i as a record: its connection, owner and bytes (one object literal: one shape, no growth). */
	row(i: number): TcpRow {
		const f = this.flows[i]!;
		return { pid: f.pid, comm: f.comm, netns: f.netns, family: f.family, laddr: f.laddr, lport: f.lport, raddr: f.raddr, rport: f.rport, tx_bytes: this.tx[i]!, rx_bytes: this.rx[i]! };
	}

	/** The rows (busiest first) as records. */
	records(): TcpRow[] {
		return this.order().map((i) => this.row(i));
	}

	toJSON(): TcpRow[] {
		return this.records();
	}

	/** The total of a column. */
	sum(column: 'tx' | 'rx'): number {
		let n = 0;
		for (const v of this[column]) n += v;
		return n;
	}
}

export const NO_ROWS = new TcpRows([], new Float64Array(0), new Float64Array(0));

/** Connections that moved bytes during the interval and pass the filter. */
export function tcpRows(prev: TcpSnapshot | undefined, cur: TcpSnapshot, filter: Filter): TcpRows {
	const before = matchSlots(prev, cur, sameFlow);
	const filtering = isFiltering(filter);
	const flows: TcpFlow[] = [];
	const tx = new Float64Array(cur.count);
	const rx = new Float64Array(cur.count);
	let n = 0;
	for (let i = 0; i < cur.count; i++) {
		if (filtering && !matches(filter, cur.flows[i]!)) continue;
		const j = before[i]!;
		const t = counterDelta(j < 0 ? undefined : prev!.tx[j], cur.tx[i]!);
		const r = counterDelta(j < 0 ? undefined : prev!.rx[j], cur.rx[i]!);
		if (t === 0 && r === 0) continue;
		flows.push(cur.flows[i]!);
		tx[n] = t;
		rx[n] = r;
		n++;
	}
	return new TcpRows(flows, tx.subarray(0, n), rx.subarray(0, n));
}

export interface TcpProcess {
	readonly pid: number;
	readonly comm: string;
	readonly tx_bytes: number;
	readonly rx_bytes: number;
	/** How many of its connections moved bytes. */
	readonly connections: number;
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
		} else {
			by.set(flow.pid, (p = { pid: flow.pid, comm: flow.comm, tx_bytes: rows.tx[i]!, rx_bytes: rows.rx[i]!, connections: 1 }));
		}
	}
	return byKeyDescending([...by.values()], total);
}

const total = (r: { tx_bytes: number; rx_bytes: number }) => r.tx_bytes + r.rx_bytes;
