// The NIC tab: one row per interface, then its queues: rates, packet rates, average sizes, history.
import { averageSize, perSecond } from '../../model/counters.js';
import { isUnavailable, type Maybe } from '../../model/reading.js';
import { cells, layout, type Column } from '../../format/columns.js';
import { line, pageRows, scrolled, sparkline, unavailableLines, type Line } from '../../format/lines.js';
import { listOf } from '../../format/rows.js';
import { human } from '../../format/numbers.js';
import type { Tab, TabList, TabProps } from '../feature.js';
import { nicInterfaces, type NicDelta, type NicInterface } from './model.js';

/** Intervals of history kept per interface, for its sparkline: as many as a wide screen shows. */
export const HISTORY = 60;

export interface NicTabState {
	/** Per interface ("netns:ifindex"): bytes/s of the last HISTORY intervals, oldest first. */
	readonly history: ReadonlyMap<string, readonly number[]>;
}

/** The last column, the sparkline, takes the width left; it is the first thing a narrow screen drops. */
const COLUMNS: Column[] = [
	{ width: 10, min: 5, max: 16 },
	{ width: 10, min: 6, max: 16, middle: true },
	{ width: 3, right: true },
	// Bytes a second, packets a second, average bytes a packet: TX, then RX.
	...[6, 6, 7, 6, 6, 7].map((width) => ({ width, right: true })),
	{ width: 10, min: 5, max: HISTORY, drop: 1 },
];
const HEADER = ['IFACE', 'NETNS', 'Q', 'TX B/s', 'TXpk/s', 'TXavg B', 'RX B/s', 'RXpk/s', 'RXavg B'];

const SORTERS: Record<string, (a: NicInterface, b: NicInterface) => number> = {
	total: (a, b) => b.tx_bytes + b.rx_bytes - (a.tx_bytes + a.rx_bytes),
	tx: (a, b) => b.tx_bytes - a.tx_bytes,
	rx: (a, b) => b.rx_bytes - a.rx_bytes,
	name: (a, b) => a.ifname.localeCompare(b.ifname) || (a.netns_name ?? '').localeCompare(b.netns_name ?? '') || a.netns - b.netns,
};

type Counts = { tx_bytes: number; tx_packets: number; rx_bytes: number; rx_packets: number };

function figures(r: Counts, seconds: number): string[] {
	return [
		human(perSecond(r.tx_bytes, seconds)),
		human(perSecond(r.tx_packets, seconds), 1000),
		human(averageSize(r.tx_bytes, r.tx_packets)),
		human(perSecond(r.rx_bytes, seconds)),
		human(perSecond(r.rx_packets, seconds), 1000),
		human(averageSize(r.rx_bytes, r.rx_packets)),
	];
}

/** The lines the rows have: the tab's less the column header. */
const roomOf = (height: number) => height - 1;

const interfaceId = (nic: { netns: number; ifindex: number }) => `${nic.netns}:${nic.ifindex}`;

/** The sparklines' column header: one scale for every row, so 30 MB/s does not look as full as 1 GB/s; its top is in the header. */
function scaleHeader(max: number, width: number): string {
	if (max <= 0) return 'TX+RX';
	return [`TX+RX B/s 0-${human(max)}`, `0-${human(max)}B/s`, human(max)].find((text) => text.length <= width) ?? '';
}

function nicLines(view: Maybe<readonly NicDelta[]> | undefined, { state, sort, seconds, height, width, currentNetns, unicode, plain, cursor, filter }: TabProps<NicTabState>): Line[] {
	// A pipe gets no sparkline: a width 0 column is left out.
	const columns = plain ? [...layout(COLUMNS.slice(0, -1), width), { width: 0 }] : layout(COLUMNS, width);
	const sparkWidth = columns.at(-1)!.width;
	// A loop, not Math.max(...): a host with a thousand veths has tens of thousands of points.
	let max = 0;
	for (const h of state.history.values()) for (let i = Math.max(0, h.length - sparkWidth); i < h.length; i++) max = Math.max(max, h[i]!);
	const header = line(cells(columns, [...HEADER, scaleHeader(max, sparkWidth)]), { bold: true });
	if (!view) return [header];
	if (isUnavailable(view)) return unavailableLines('NIC throughput', view.unavailable);
	const rows = nicRows(view, sort);
	const format = (i: number): Line => {
		const { nic, queue } = rows[i]!;
		if (queue) return line(cells(columns, ['', '', String(queue.queue), ...figures(queue, seconds), '']), { dim: queue.tx_bytes + queue.rx_bytes === 0 });
		const netns = nic.netns === currentNetns ? '' : (nic.netns_name ?? String(nic.netns));
		const history = sparkline(state.history.get(interfaceId(nic)) ?? [], sparkWidth, unicode, max);
		const many = nic.queues.length > 1;
		return line(cells(columns, [nic.ifname || `if${nic.ifindex}`, netns, many ? 'all' : String(nic.queues[0]!.queue), ...figures(nic, seconds), history]), { bold: many });
	};
	// A page at a time, as any list: a node's 200 pods' veths are 200 rows (a pipe's height holds them all).
	return [header, ...scrolled(rows.length, roomOf(height), format, NO_TRAFFIC, { what: 'rows', cursor, filter, width })];
}

const NO_TRAFFIC = line('no traffic yet', { dim: true });

type NicRow = { nic: NicInterface; queue?: NicDelta };

/** The rows in the order shown: each interface, then its queues when it has more than one. */
function nicRows(view: readonly NicDelta[], sort: string): NicRow[] {
	const rows: NicRow[] = [];
	for (const nic of nicInterfaces(view).sort(SORTERS[sort] ?? SORTERS.total)) {
		rows.push({ nic });
		if (nic.queues.length > 1) for (const queue of nic.queues) rows.push({ nic, queue });
	}
	return rows;
}

/** Each interface's bytes/s of the new interval added to its history; interfaces gone from the view are forgotten. */
function nextHistory(state: NicTabState, view: Maybe<readonly NicDelta[]>, seconds: number): NicTabState {
	if (isUnavailable(view)) return state;
	const history = new Map<string, readonly number[]>();
	for (const nic of nicInterfaces(view)) {
		const id = interfaceId(nic);
		const rate = seconds > 0 ? (nic.tx_bytes + nic.rx_bytes) / seconds : 0;
		history.set(id, [...(state.history.get(id) ?? []), rate].slice(-HISTORY));
	}
	return { history };
}

export const nicTab: Tab<readonly NicDelta[], NicTabState> = {
	title: 'NIC',
	short: 'NIC',
	sorts: ['total', 'tx', 'rx', 'name'],
	initial: { history: new Map() },
	keys: [],
	next: nextHistory,
	lines: nicLines,
	// Rows to page through (an interface, or one of its queues); none is a process's, so Enter drills into nothing.
	list(view, { sort, height }): TabList {
		const rows = nicRows(view, sort);
		const name = (r: NicRow) => r.nic.ifname || `if${r.nic.ifindex}`;
		return listOf(rows, () => pageRows(rows.length, roomOf(height)), { id: (r) => `${interfaceId(r.nic)}${r.queue ? `:q${r.queue.queue}` : ''}`, name: (r) => (r.queue ? `${name(r)} queue ${r.queue.queue}` : name(r)) });
	},
};
