// The RTT tab: the interval's log2 histogram with bars as tcprtt prints them, or per remote address.
import { isUnavailable, type Maybe } from '../../model/reading.js';
import { cells, layout, type Column } from '../../format/columns.js';
import { line, truncate, unavailableLines, type Line } from '../../format/lines.js';
import { padLeft } from '../../format/numbers.js';
import type { Tab, TabProps } from '../feature.js';
import type { RttStats, RttView } from './model.js';

export interface RttTabState {
	/** Per remote address instead of the histogram. */
	readonly byAddress: boolean;
}

const ADDR_COLUMNS: Column[] = [{ width: 39, min: 15, max: 45, middle: true }, { width: 8, right: true }, { width: 8, right: true }, { width: 8, right: true }, { width: 8, right: true }];

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
function histogramLines(stats: RttStats, unit: string, barWidth: number): Line[] {
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

function rttLines(view: Maybe<RttView> | undefined, { state, sort, height, width }: TabProps<RttTabState>): Line[] {
	if (!view) return [line('waiting for the first interval', { dim: true })];
	if (isUnavailable(view)) return unavailableLines('RTT', view.unavailable);
	const summary = line(statsText(view, view.unit), { bold: true });
	if (state.byAddress) {
		const columns = layout(ADDR_COLUMNS, width);
		const header = line(cells(columns, ['REMOTE ADDRESS', 'COUNT', 'AVG', 'P50', 'P99']), { bold: true });
		const rows = [...view.by_raddr].sort(SORTERS[sort]).map((a) => line(cells(columns, [a.raddr, String(a.count), String(a.avg), String(a.p50), String(a.p99)])));
		return [summary, header, ...truncate(rows.length ? rows : [line('no RTT samples in this interval', { dim: true })], height - 2, 'addresses')];
	}
	const barWidth = Math.max(10, Math.min(40, width - 38));
	return [summary, ...truncate(histogramLines(view, view.unit, barWidth), height - 1, 'slots')];
}

export const rttTab: Tab<RttView, RttTabState> = {
	title: 'RTT',
	sorts: ['count', 'p99', 'avg'],
	initial: { byAddress: false },
	keys: [
		{
			key: 'a',
			help: 'per remote address',
			footer: (state) => (state.byAddress ? 'a hist' : 'a addrs'),
			apply: (state) => ({ byAddress: !state.byAddress }),
		},
	],
	lines: rttLines,
};
