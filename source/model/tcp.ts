// tcptop model: bytes per connection and per process over one interval.
import { ownedFlow, type OwnedFlow } from '../collectors/flows.js';
import type { TcpFlow, TcpSnapshot } from '../collectors/tcp.js';
import { counterDelta } from './counters.js';
import { isFiltering, matches, type Filter } from './filter.js';
import { byKeyDescending } from './order.js';
import { matchSlots } from './slots.js';

export interface TcpRow extends OwnedFlow {
	readonly tx_bytes: number;
	readonly rx_bytes: number;
}

const sameFlow = (a: TcpFlow, b: TcpFlow) => a === b || (a.cookie === b.cookie && a.pid === b.pid);

/**
 * Connections that moved bytes during the interval, busiest first, in
 * columns: row i is flows[i], tx[i], rx[i]. Tens of thousands of rows a
 * refresh stay three arrays; a row becomes a record only where one is shown
 * or printed (row(), map(), and toJSON() for --json).
 */
export class TcpRows {
	constructor(
		readonly flows: readonly TcpFlow[],
		readonly tx: Float64Array,
		readonly rx: Float64Array,
	) {}

	get length(): number {
		return this.flows.length;
	}

	/** Row i as a record: its connection, owner and bytes. */
	row(i: number): TcpRow {
		const row = ownedFlow(this.flows[i]!) as { -readonly [K in keyof TcpRow]: TcpRow[K] };
		row.tx_bytes = this.tx[i]!;
		row.rx_bytes = this.rx[i]!;
		return row;
	}

	map<U>(f: (row: TcpRow, i: number) => U): U[] {
		const out = new Array<U>(this.length);
		for (let i = 0; i < this.length; i++) out[i] = f(this.row(i), i);
		return out;
	}

	toJSON(): TcpRow[] {
		return this.map((r) => r);
	}

	/** The total of a column. */
	sum(column: 'tx' | 'rx'): number {
		let n = 0;
		for (const v of this[column]) n += v;
		return n;
	}
}

export const NO_ROWS = new TcpRows([], new Float64Array(0), new Float64Array(0));

/** Connections that moved bytes during the interval and pass the filter, busiest first. */
export function tcpRows(prev: TcpSnapshot | undefined, cur: TcpSnapshot, filter: Filter): TcpRows {
	const before = matchSlots(prev, cur, sameFlow);
	const filtering = isFiltering(filter);
	const moved: number[] = [];
	const tx = new Float64Array(cur.count);
	const rx = new Float64Array(cur.count);
	for (let i = 0; i < cur.count; i++) {
		if (filtering && !matches(filter, cur.flows[i]!)) continue;
		const j = before[i]!;
		const t = counterDelta(j < 0 ? undefined : prev!.tx[j], cur.tx[i]!);
		const r = counterDelta(j < 0 ? undefined : prev!.rx[j], cur.rx[i]!);
		if (t === 0 && r === 0) continue;
		tx[i] = t;
		rx[i] = r;
		moved.push(i);
	}
	const order = byKeyDescending(moved, (i) => tx[i]! + rx[i]!);
	const n = order.length;
	const flows = new Array<TcpFlow>(n);
	const rowTx = new Float64Array(n);
	const rowRx = new Float64Array(n);
	for (let k = 0; k < n; k++) {
		const i = order[k]!;
		flows[k] = cur.flows[i]!;
		rowTx[k] = tx[i]!;
		rowRx[k] = rx[i]!;
	}
	return new TcpRows(flows, rowTx, rowRx);
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
	const by = new Map<number, { pid: number; comm: string; tx_bytes: number; rx_bytes: number; connections: number }>();
	for (let i = 0; i < rows.length; i++) {
		const flow = rows.flows[i]!;
		const p = by.get(flow.pid);
		if (p) {
			p.tx_bytes += rows.tx[i]!;
			p.rx_bytes += rows.rx[i]!;
			p.connections++;
		} else {
			by.set(flow.pid, { pid: flow.pid, comm: flow.comm, tx_bytes: rows.tx[i]!, rx_bytes: rows.rx[i]!, connections: 1 });
		}
	}
	return byKeyDescending([...by.values()], total);
}

const total = (r: { tx_bytes: number; rx_bytes: number }) => r.tx_bytes + r.rx_bytes;
