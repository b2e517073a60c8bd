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

/** Connections that moved bytes during the interval and pass the filter, busiest first. */
export function tcpRows(prev: TcpSnapshot | undefined, cur: TcpSnapshot, filter: Filter): TcpRow[] {
	const before = matchSlots(prev, cur, sameFlow);
	const filtering = isFiltering(filter);
	const rows: TcpRow[] = [];
	for (let i = 0; i < cur.count; i++) {
		const flow = cur.flows[i]!;
		if (filtering && !matches(filter, flow)) continue;
		const j = before[i]!;
		const tx = counterDelta(j < 0 ? undefined : prev!.tx[j], cur.tx[i]!);
		const rx = counterDelta(j < 0 ? undefined : prev!.rx[j], cur.rx[i]!);
		if (tx === 0 && rx === 0) continue;
		const row = ownedFlow(flow) as { -readonly [K in keyof TcpRow]: TcpRow[K] };
		row.tx_bytes = tx;
		row.rx_bytes = rx;
		rows.push(row);
	}
	return byKeyDescending(rows, total);
}

export interface TcpProcess {
	readonly pid: number;
	readonly comm: string;
	readonly tx_bytes: number;
	readonly rx_bytes: number;
	readonly connections: readonly TcpRow[];
}

/** Rows grouped by process, busiest first. */
export function tcpProcesses(rows: readonly TcpRow[]): TcpProcess[] {
	const by = new Map<number, { pid: number; comm: string; tx_bytes: number; rx_bytes: number; connections: TcpRow[] }>();
	for (const r of rows) {
		const p = by.get(r.pid);
		if (p) {
			p.tx_bytes += r.tx_bytes;
			p.rx_bytes += r.rx_bytes;
			p.connections.push(r);
		} else {
			by.set(r.pid, { pid: r.pid, comm: r.comm, tx_bytes: r.tx_bytes, rx_bytes: r.rx_bytes, connections: [r] });
		}
	}
	return byKeyDescending([...by.values()], total);
}

const total = (r: { tx_bytes: number; rx_bytes: number }) => r.tx_bytes + r.rx_bytes;
