// tcptop model: bytes per connection and per process over one interval.
import { ownedFlow, type OwnedFlow } from '../collectors/flows.js';
import { tcpId, type TcpCounter } from '../collectors/tcp.js';
import { counterDelta } from './counters.js';
import { indexBy } from './index.js';
import { matches, type Filter } from './filter.js';

export interface TcpRow extends OwnedFlow {
	readonly tx_bytes: number;
	readonly rx_bytes: number;
}

/** Connections that moved bytes during the interval and pass the filter, busiest first. */
export function tcpRows(prev: readonly TcpCounter[], cur: readonly TcpCounter[], filter: Filter): TcpRow[] {
	const before = indexBy(prev, tcpId);
	const rows: TcpRow[] = [];
	for (const c of cur) {
		if (!matches(filter, c)) continue;
		const p = before.get(tcpId(c));
		const tx = counterDelta(p?.tx_bytes, c.tx_bytes);
		const rx = counterDelta(p?.rx_bytes, c.rx_bytes);
		if (tx === 0 && rx === 0) continue;
		const row = ownedFlow(c) as { -readonly [K in keyof TcpRow]: TcpRow[K] };
		row.tx_bytes = tx;
		row.rx_bytes = rx;
		rows.push(row);
	}
	return rows.sort(byTraffic);
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
	const by = new Map<number, TcpRow[]>();
	for (const r of rows) {
		const list = by.get(r.pid);
		if (list) list.push(r);
		else by.set(r.pid, [r]);
	}
	return [...by.values()]
		.map((connections) => ({
			pid: connections[0]!.pid,
			comm: connections[0]!.comm,
			tx_bytes: connections.reduce((s, r) => s + r.tx_bytes, 0),
			rx_bytes: connections.reduce((s, r) => s + r.rx_bytes, 0),
			connections,
		}))
		.sort(byTraffic);
}

function byTraffic(a: { tx_bytes: number; rx_bytes: number }, b: { tx_bytes: number; rx_bytes: number }): number {
	return b.tx_bytes + b.rx_bytes - (a.tx_bytes + a.rx_bytes);
}
