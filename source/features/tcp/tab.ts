// The tcptop tab: processes (or every connection) by bytes/s sent and received.
import { perSecond } from '../../model/counters.js';
import { isUnavailable, type Maybe } from '../../model/reading.js';
import { cells, layout, type Column } from '../../format/columns.js';
import { endpoint, firstIndexes, line, scrolled, unavailableLines, type Line } from '../../format/lines.js';
import { human } from '../../format/numbers.js';
import type { Tab, TabList, TabProps } from '../feature.js';
import { NO_ROWS, tcpProcesses, type TcpProcess, type TcpRows } from './model.js';

export interface TcpTabState {
	/** Every connection instead of processes. */
	readonly connections: boolean;
}

const NONE = line('no TCP traffic in this interval', { dim: true });

const PROC_COLUMNS: Column[] = [{ width: 7, right: true }, { width: 16, min: 6 }, { width: 5, right: true }, { width: 8, right: true }, { width: 8, right: true }];
/** An IPv6 endpoint with its port is up to 47 characters: [ffff:...:ffff]:65535. */
const CONN_COLUMNS: Column[] = [
	{ width: 7, right: true },
	{ width: 10, min: 5, max: 16, drop: 2 },
	{ width: 22, min: 13, max: 47, middle: true, drop: 1 },
	{ width: 22, min: 13, max: 47, middle: true },
	{ width: 7, right: true },
	{ width: 7, right: true },
];

type Traffic = { tx_bytes: number; rx_bytes: number; pid: number };
const SORTERS: Record<string, (a: Traffic, b: Traffic) => number> = {
	total: (a, b) => b.tx_bytes + b.rx_bytes - (a.tx_bytes + a.rx_bytes),
	tx: (a, b) => b.tx_bytes - a.tx_bytes,
	rx: (a, b) => b.rx_bytes - a.rx_bytes,
	pid: (a, b) => a.pid - b.pid,
};

/** The same orders over the rows' columns, by row index. */
const ROW_SORTERS: Record<string, (r: TcpRows) => (a: number, b: number) => number> = {
	total: (r) => (a, b) => r.tx[b]! + r.rx[b]! - (r.tx[a]! + r.rx[a]!),
	tx: (r) => (a, b) => r.tx[b]! - r.tx[a]!,
	rx: (r) => (a, b) => r.rx[b]! - r.rx[a]!,
	pid: (r) => (a, b) => r.flows[a]!.pid - r.flows[b]!.pid,
};

/** The processes, or the connections (as indexes into the rows), in the order of `sort`; the connections only as far as `k`. */
function processes(rows: TcpRows, sort: string): TcpProcess[] {
	return tcpProcesses(rows).sort(SORTERS[sort]);
}

function connections(rows: TcpRows, sort: string, k: number): number[] {
	return firstIndexes(rows.length, k, ROW_SORTERS[sort]!(rows));
}

function tcpLines(view: Maybe<TcpRows> | undefined, { state, sort, seconds, height, width, cursor }: TabProps<TcpTabState>): Line[] {
	if (view && isUnavailable(view)) return unavailableLines('tcptop', view.unavailable);
	const rows = view ?? NO_ROWS;
	const room = height - 1;
	if (state.connections) {
		const columns = layout(CONN_COLUMNS, width);
		const header = line(cells(columns, ['PID', 'COMM', 'LOCAL', 'REMOTE', 'TX/s', 'RX/s']), { bold: true });
		// Only the rows up to the end of the page shown are put in order.
		const order = connections(rows, sort, (cursor ?? 0) + room);
		const format = (k: number) => {
			const r = rows.row(order[k]!);
			return line(cells(columns, [String(r.pid), r.comm, endpoint(r.laddr, r.lport), endpoint(r.raddr, r.rport), human(perSecond(r.tx_bytes, seconds)), human(perSecond(r.rx_bytes, seconds))]));
		};
		return [header, ...scrolled(rows.length, room, cursor, format, NONE, 'connections')];
	}
	const columns = layout(PROC_COLUMNS, width);
	const header = line(cells(columns, ['PID', 'COMM', 'CONNS', 'TX/s', 'RX/s']), { bold: true });
	const list = processes(rows, sort);
	const format = (k: number) => {
		const p = list[k]!;
		return line(cells(columns, [String(p.pid), p.comm, String(p.connections), human(perSecond(p.tx_bytes, seconds)), human(perSecond(p.rx_bytes, seconds))]));
	};
	return [header, ...scrolled(list.length, room, cursor, format, NONE, 'processes')];
}

/** What Up and Down move through: the processes, or every connection. */
function tcpList(view: TcpRows, state: TcpTabState, sort: string): TabList {
	if (!state.connections) {
		const list = processes(view, sort);
		return { length: list.length, owner: (i) => list[i] };
	}
	let order: number[] | undefined;
	return {
		length: view.length,
		owner(i) {
			order ??= connections(view, sort, view.length);
			const r = order[i] === undefined ? undefined : view.flows[order[i]!];
			return r && { pid: r.pid, comm: r.comm };
		},
	};
}

export const tcpTab: Tab<TcpRows, TcpTabState> = {
	title: 'tcptop',
	sorts: ['total', 'tx', 'rx', 'pid'],
	initial: { connections: false },
	keys: [
		{
			key: 'c',
			help: 'connections',
			footer: (state) => (state.connections ? 'c procs' : 'c conns'),
			apply: (state) => ({ connections: !state.connections }),
		},
	],
	lines: tcpLines,
	list: tcpList,
};
