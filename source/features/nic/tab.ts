// The NIC tab: one row per interface, then its queues: rates, packet rates, average sizes, history.
import { averageSize, perSecond } from '../../model/counters.js';
import { isUnavailable, type Maybe } from '../../model/reading.js';
import { cells, line, sparkline, truncate, unavailableLines, type Column, type Line } from '../../format/lines.js';
import { human } from '../../format/numbers.js';
import type { Tab, TabProps } from '../feature.js';
import { nicInterfaces, type NicDelta, type NicInterface } from './model.js';

/** Intervals of history kept per interface, for its sparkline. */
export const HISTORY = 30;

export interface NicTabState {
	/** Per interface ("netns:ifindex"): bytes/s of the last HISTORY intervals, oldest first. */
	readonly history: ReadonlyMap<string, readonly number[]>;
}

const COLUMNS: Column[] = [{ width: 10 }, { width: 10, right: true }, { width: 3, right: true }, ...Array.from({ length: 6 }, () => ({ width: 6, right: true })), { width: 10 }];
const HEADER = ['IFACE', 'NETNS', 'Q', 'TX/s', 'TXpk/s', 'TXavg', 'RX/s', 'RXpk/s', 'RXavg', 'TX+RX'];

const SORTERS: Record<string, (a: NicInterface, b: NicInterface) => number> = {
	total: (a, b) => b.tx_bytes + b.rx_bytes - (a.tx_bytes + a.rx_bytes),
	tx: (a, b) => b.tx_bytes - a.tx_bytes,
	rx: (a, b) => b.rx_bytes - a.rx_bytes,
	name: (a, b) => a.ifname.localeCompare(b.ifname) || a.netns - b.netns,
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

const interfaceId = (nic: { netns: number; ifindex: number }) => `${nic.netns}:${nic.ifindex}`;

function nicLines(view: Maybe<readonly NicDelta[]> | undefined, { state, sort, seconds, height, currentNetns, unicode }: TabProps<NicTabState>): Line[] {
	const header = line(cells(COLUMNS, HEADER), { bold: true });
	if (!view) return [header];
	if (isUnavailable(view)) return unavailableLines('NIC throughput', view.unavailable);
	const rows: Line[] = [];
	for (const nic of nicInterfaces(view).sort(SORTERS[sort])) {
		const netns = nic.netns === currentNetns ? '' : String(nic.netns);
		const history = sparkline(state.history.get(interfaceId(nic)) ?? [], 10, unicode);
		const many = nic.queues.length > 1;
		rows.push(line(cells(COLUMNS, [nic.ifname || `if${nic.ifindex}`, netns, many ? 'all' : String(nic.queues[0]!.queue), ...figures(nic, seconds), history]), { bold: many }));
		if (many) for (const q of nic.queues) rows.push(line(cells(COLUMNS, ['', '', String(q.queue), ...figures(q, seconds), '']), { dim: q.tx_bytes + q.rx_bytes === 0 }));
	}
	if (rows.length === 0) rows.push(line('no traffic yet', { dim: true }));
	return [header, ...truncate(rows, height - 1)];
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
	sorts: ['total', 'tx', 'rx', 'name'],
	initial: { history: new Map() },
	keys: [],
	next: nextHistory,
	lines: nicLines,
};
