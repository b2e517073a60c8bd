// The NIC tab: one row per interface, then its queues: rates, packet rates, average sizes, history.
import { isUnavailable } from '../../collectors/sources.js';
import { averageSize, perSecond } from '../../model/counters.js';
import { human } from '../../model/format.js';
import { nicInterfaces, type NicInterface } from '../../model/nic.js';
import type { UiState } from '../state.js';
import { sortKey } from '../state.js';
import { cells, line, sparkline, truncate, unavailableLines, type Column, type Line } from './common.js';

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

export function nicLines(state: UiState, height: number, currentNetns: number, unicode: boolean): Line[] {
	const header = line(cells(COLUMNS, HEADER), { bold: true });
	const sample = state.sample;
	if (!sample) return [header];
	if (isUnavailable(sample.nic)) return unavailableLines('NIC throughput', sample.nic.unavailable);
	const seconds = sample.interval;
	const rows: Line[] = [];
	for (const nic of nicInterfaces(sample.nic).sort(SORTERS[sortKey(state, 'nic')])) {
		const netns = nic.netns === currentNetns ? '' : String(nic.netns);
		const history = sparkline(state.history.get(`${nic.netns}:${nic.ifindex}`) ?? [], 10, unicode);
		const many = nic.queues.length > 1;
		rows.push(line(cells(COLUMNS, [nic.ifname || `if${nic.ifindex}`, netns, many ? 'all' : String(nic.queues[0]!.queue), ...figures(nic, seconds), history]), { bold: many }));
		if (many) for (const q of nic.queues) rows.push(line(cells(COLUMNS, ['', '', String(q.queue), ...figures(q, seconds), '']), { dim: q.tx_bytes + q.rx_bytes === 0 }));
	}
	if (rows.length === 0) rows.push(line('no traffic yet', { dim: true }));
	return [header, ...truncate(rows, height - 1)];
}
