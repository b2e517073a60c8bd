// The Traffic tab (tcptop): processes, containers or cgroups (or every connection and UDP socket) by bytes/s sent and received.
import { perSecond } from '../../model/counters.js';
import { isUnavailable, type Maybe } from '../../model/reading.js';
import { cells, layout, withContainer, type Column } from '../../format/columns.js';
import { endpoint, firstIndexes, line, pageRows, scrolled, unavailableLines, type Line } from '../../format/lines.js';
import { listOf } from '../../format/rows.js';
import { human } from '../../format/numbers.js';
import type { Tab, TabList, TabProps } from '../feature.js';
import { NO_ROWS, tcpGroups, tcpProcesses, type TcpFlow, type TcpGroup, type TcpProcess, type TcpRows } from './model.js';

/** What the rows add up to when not every connection is listed. */
export type TcpGrouping = 'process' | 'container' | 'cgroup';
const GROUPINGS: readonly TcpGrouping[] = ['process', 'container', 'cgroup'];
/** What o groups by next, as the footer names it. */
const NEXT_GROUP: Record<TcpGrouping, string> = { process: 'o containers', container: 'o cgroups', cgroup: 'o procs' };

export interface TcpTabState {
	/** Every connection and UDP socket instead of processes. */
	readonly connections: boolean;
	readonly group: TcpGrouping;
}

const NONE = line('no TCP or UDP traffic in this interval', { dim: true });

const PROC_COLUMNS: Column[] = [{ width: 7, right: true }, { width: 16, min: 6 }, { width: 5, right: true }, { width: 5, drop: 2 }, { width: 8, right: true }, { width: 8, right: true }];
/** An IPv6 endpoint with its port is up to 47 characters: [ffff:...:ffff]:65535. */
const CONN_COLUMNS: Column[] = [
	{ width: 7, right: true },
	{ width: 10, min: 5, max: 16, drop: 4 },
	{ width: 3, drop: 2 },
	{ width: 22, min: 13, max: 47, middle: true, drop: 3 },
	{ width: 22, min: 13, max: 47, middle: true },
	{ width: 7, right: true },
	{ width: 7, right: true },
];
const GROUP_COLUMNS: Column[] = [{ width: 36, min: 12, max: 120, middle: true }, { width: 5, right: true }, { width: 5, right: true }, { width: 8, right: true }, { width: 8, right: true }];

type Traffic = { tx_bytes: number; rx_bytes: number };
const SORTERS: Record<string, (a: Traffic & { pid: number }, b: Traffic & { pid: number }) => number> = {
	total: (a, b) => b.tx_bytes + b.rx_bytes - (a.tx_bytes + a.rx_bytes),
	tx: (a, b) => b.tx_bytes - a.tx_bytes,
	rx: (a, b) => b.rx_bytes - a.rx_bytes,
	pid: (a, b) => a.pid - b.pid,
};
/** Groups have no pid: that sort goes by name. */
const GROUP_SORTERS: Record<string, (a: TcpGroup, b: TcpGroup) => number> = {
	...(SORTERS as unknown as Record<string, (a: TcpGroup, b: TcpGroup) => number>),
	pid: (a, b) => a.name.localeCompare(b.name),
};

/** The same orders over the rows' columns, by row index. */
const ROW_SORTERS: Record<string, (r: TcpRows) => (a: number, b: number) => number> = {
	total: (r) => (a, b) => r.tx[b]! + r.rx[b]! - (r.tx[a]! + r.rx[a]!),
	tx: (r) => (a, b) => r.tx[b]! - r.tx[a]!,
	rx: (r) => (a, b) => r.rx[b]! - r.rx[a]!,
	pid: (r) => (a, b) => r.flows[a]!.pid - r.flows[b]!.pid,
};

/** Each interval's processes in each order, worked out once: the screen and the keys ask for them again and again. */
const processLists = new WeakMap<TcpRows, Map<string, TcpProcess[]>>();

/** The processes, or the connections (as indexes into the rows), in the order of `sort`; the connections only as far as `k`. */
function processes(rows: TcpRows, sort: string): readonly TcpProcess[] {
	let bySort = processLists.get(rows);
	if (!bySort) processLists.set(rows, (bySort = new Map()));
	let list = bySort.get(sort);
	if (!list) bySort.set(sort, (list = tcpProcesses(rows).sort(SORTERS[sort])));
	return list;
}

function connections(rows: TcpRows, sort: string, k: number): number[] {
	return firstIndexes(rows.length, k, ROW_SORTERS[sort]!(rows));
}

const inContainers = (rows: TcpRows) => rows.groups.some((g) => g?.container !== undefined);

/** The lines a list has: the tab's less its column header. */
const roomOf = (height: number) => height - 1;

/** A connection's identity across intervals: its socket and owner, as the model matches reads. */
const connectionId = (f: TcpFlow) => `${f.cookie}|${f.pid}`;

function tcpLines(view: Maybe<TcpRows> | undefined, { state, sort, seconds, height, width, cursor, filter }: TabProps<TcpTabState>): Line[] {
	if (view && isUnavailable(view)) return unavailableLines('Traffic', view.unavailable);
	const rows = view ?? NO_ROWS;
	const room = roomOf(height);
	const rate = (bytes: number) => human(perSecond(bytes, seconds));
	const containers = inContainers(rows);
	if (state.connections) {
		const columns = layout(withContainer(CONN_COLUMNS, containers, 2), width);
		const header = line(cells(columns, ['PID', 'COMM', ...(containers ? ['CONTAINER'] : []), 'PRO', 'LOCAL', 'REMOTE', 'TX B/s', 'RX B/s']), { bold: true });
		// Only the rows up to the end of the page shown are put in order.
		const order = connections(rows, sort, (cursor?.at ?? 0) + room);
		const format = (k: number) => {
			const i = order[k]!;
			const r = rows.row(i);
			const container = containers ? [rows.groups[i]?.container ?? '-'] : [];
			const remote = r.raddr === null || r.rport === null ? '*' : endpoint(r.raddr, r.rport);
			return line(cells(columns, [String(r.pid), r.comm, ...container, rows.flows[i]!.proto, endpoint(r.laddr, r.lport), remote, rate(r.tx_bytes), rate(r.rx_bytes)]));
		};
		return [header, ...scrolled(rows.length, room, format, NONE, { what: 'connections', cursor, filter, enter: 'its process', width })];
	}
	if (state.group !== 'process') {
		const columns = layout(GROUP_COLUMNS, width);
		const header = line(cells(columns, [state.group === 'container' ? 'CONTAINER (else CGROUP)' : 'CGROUP', 'PROCS', 'SOCKS', 'TX B/s', 'RX B/s']), { bold: true });
		const list = tcpGroups(rows, state.group).sort(GROUP_SORTERS[sort]);
		const format = (k: number) => {
			const g = list[k]!;
			return line(cells(columns, [g.name, String(g.processes), String(g.connections), rate(g.tx_bytes), rate(g.rx_bytes)]));
		};
		return [header, ...scrolled(list.length, room, format, NONE, { what: state.group === 'container' ? 'containers' : 'cgroups', cursor, filter, width })];
	}
	const columns = layout(withContainer(PROC_COLUMNS, containers, 2), width);
	const header = line(cells(columns, ['PID', 'COMM', ...(containers ? ['CONTAINER'] : []), 'SOCKS', 'PROTO', 'TX B/s', 'RX B/s']), { bold: true });
	const list = processes(rows, sort);
	const format = (k: number) => {
		const p = list[k]!;
		const container = containers ? [p.cgroup?.container ?? '-'] : [];
		return line(cells(columns, [String(p.pid), p.comm, ...container, String(p.connections), p.protos, rate(p.tx_bytes), rate(p.rx_bytes)]));
	};
	return [header, ...scrolled(list.length, room, format, NONE, { what: 'processes', cursor, filter, enter: 'its connections', width })];
}

/** What Up and Down move through: the processes (or groups, which have no one process), or every connection. */
function tcpList(view: TcpRows, { state, sort, height }: TabProps<TcpTabState>): TabList {
	const page = (n: number) => () => pageRows(n, roomOf(height));
	if (!state.connections && state.group !== 'process') {
		const list = tcpGroups(view, state.group);
		return listOf(list, page(list.length), { id: (g) => g.name, name: (g) => `${state.group} ${g.name}` });
	}
	if (!state.connections) {
		const list = processes(view, sort);
		return listOf(list, page(list.length), { id: (p) => p.pid, name: (p) => `process ${p.pid} ${p.comm}`, owner: (p) => p });
	}
	// Put in order only when a row is asked for by its place; found by identity, a row's place is counted, not sorted for.
	let order: number[] | undefined;
	const at = (i: number) => (order ??= connections(view, sort, view.length))[i];
	const flow = (i: number) => (at(i) === undefined ? undefined : view.flows[at(i)!]);
	return {
		length: view.length,
		owner: (i) => flow(i) && { pid: flow(i)!.pid, comm: flow(i)!.comm },
		id: (i) => flow(i) && connectionId(flow(i)!),
		indexOf(id) {
			const r = view.flows.findIndex((f) => connectionId(f) === id);
			if (r < 0) return -1;
			const by = ROW_SORTERS[sort]!(view);
			let place = 0;
			for (let j = 0; j < view.length; j++) if ((by(j, r) || j - r) < 0) place++;
			return place;
		},
		name: (i) => (flow(i) ? `connection ${endpoint(flow(i)!.laddr, flow(i)!.lport)} of ${flow(i)!.pid} ${flow(i)!.comm}` : ''),
		page: page(view.length),
	};
}

export const tcpTab: Tab<TcpRows, TcpTabState> = {
	title: 'Traffic',
	short: 'Traffic',
	sorts: ['total', 'tx', 'rx', 'pid'],
	initial: { connections: false, group: 'process' },
	keys: [
		{
			key: 'c',
			help: 'connections and UDP sockets',
			footer: (state) => (state.connections ? 'c procs' : 'c conns'),
			apply: (state) => ({ ...state, connections: !state.connections }),
		},
		{
			key: 'o',
			help: 'per process, container, cgroup',
			footer: (state) => NEXT_GROUP[state.group],
			apply: (state) => ({ connections: false, group: GROUPINGS[(GROUPINGS.indexOf(state.group) + 1) % GROUPINGS.length]! }),
		},
	],
	lines: tcpLines,
	list: tcpList,
};
