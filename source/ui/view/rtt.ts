// The RTT tab: the interval's log2 histogram with bars as tcprtt prints them, or per remote address.
import { isUnavailable } from '../../collectors/sources.js';
import { padLeft } from '../../model/format.js';
import type { RttStats } from '../../model/rtt.js';
import type { UiState } from '../state.js';
import { sortKey } from '../state.js';
import { cells, line, truncate, unavailableLines, type Column, type Line } from './common.js';

const ADDR_COLUMNS: Column[] = [{ width: 39 }, { width: 8, right: true }, { width: 8, right: true }, { width: 8, right: true }, { width: 8, right: true }];

const SORTERS: Record<string, (a: RttStats, b: RttStats) => number> = {
	count: (a, b) => b.count - a.count,
	p99: (a, b) => b.p99 - a.p99,
	avg: (a, b) => b.avg - a.avg,
};

/** "count 123  avg 45.6  p50 40  p90 60  p99 80 usecs" */
export function statsText(s: RttStats, unit: string): string {
	return `count ${s.count}  avg ${s.avg}  p50 ${s.p50}  p90 ${s.p90}  p99 ${s.p99} ${unit}`;
}

/** tcprtt's layout: "     lo -> hi         : count    |*****     |", bars scaled to the largest slot. */
export function histogramLines(stats: RttStats, unit: string, barWidth: number): Line[] {
	const buckets = stats.buckets;
	const first = buckets.findIndex((b) => b.count > 0);
	if (first < 0) return [line('no RTT samples in this interval', { dim: true })];
	const max = Math.max(...buckets.map((b) => b.count));
	const head = line(`${padLeft(unit, 21)}    : count    distribution`, { bold: true });
	return [
		head,
		...buckets.slice(first).map((b) => {
			const stars = Math.round((b.count / max) * barWidth);
			return line(`${padLeft(String(b.lo), 10)} -> ${String(b.hi).padEnd(10)} : ${String(b.count).padEnd(8)} |${'*'.repeat(stars).padEnd(barWidth)}|`);
		}),
	];
}

export function rttLines(state: UiState, height: number, width: number): Line[] {
	const sample = state.sample;
	if (!sample) return [line('waiting for the first interval', { dim: true })];
	if (isUnavailable(sample.rtt)) return unavailableLines('RTT', sample.rtt.unavailable);
	const rtt = sample.rtt;
	const summary = line(statsText(rtt, rtt.unit), { bold: true });
	if (state.byAddress) {
		const header = line(cells(ADDR_COLUMNS, ['REMOTE ADDRESS', 'COUNT', 'AVG', 'P50', 'P99']), { bold: true });
		const rows = [...rtt.by_raddr].sort(SORTERS[sortKey(state, 'rtt')]).map((a) => line(cells(ADDR_COLUMNS, [a.raddr, String(a.count), String(a.avg), String(a.p50), String(a.p99)])));
		return [summary, header, ...truncate(rows.length ? rows : [line('no RTT samples in this interval', { dim: true })], height - 2, 'addresses')];
	}
	const barWidth = Math.max(10, Math.min(40, width - 38));
	return [summary, ...truncate(histogramLines(rtt, rtt.unit, barWidth), height - 1, 'slots')];
}
