// The RTT tab: the interval's log2 histogram with bars as tcprtt prints them, or per remote address, per process, per connection.
import { cgroupFieldsOf } from '../../model/cgroup.js';
import { isUnavailable, type Maybe } from '../../model/reading.js';
import { cells, layout, withContainer, withContainerCell, type Column } from '../../format/columns.js';
import { endpoint, line, pageRows, scrolled, truncate, unavailableLines, type Line } from '../../format/lines.js';
import { listOf } from '../../format/rows.js';
import { padLeft } from '../../format/numbers.js';
import type { Tab, TabList, TabProps } from '../feature.js';
import type { OwnedFlow } from '../../model/flow.js';
import type { RttFlowFigures, RttStats, RttView } from './model.js';

/** What the tab shows; `a` steps through them in this order. */
export const RTT_MODES = ['hist', 'addr', 'proc', 'conn'] as const;
export type RttMode = (typeof RTT_MODES)[number];

export interface RttTabState {
	readonly mode: RttMode;
}

/** What the footer says `a` turns to. */
const NEXT_LABEL: Record<RttMode, string> = { hist: 'a addrs', addr: 'a procs', proc: 'a conns', conn: 'a hist' };

const FIGURES: Column[] = [{ width: 8, right: true }, { width: 8, right: true }, { width: 8, right: true }, { width: 8, right: true }];
/** The figures' column headers, each time with its unit. */
const figureNames = (view: RttView) => ['COUNT', ...['AVG', 'P50', 'P99'].map((n) => `${n} ${view.unit === 'msecs' ? 'ms' : 'us'}`)];
const ADDR_COLUMNS: Column[] = [{ width: 33, min: 15, max: 45, middle: true }, { width: 12, min: 6, max: 16, middle: true, drop: 1 }, ...FIGURES];
const PROC_COLUMNS: Column[] = [{ width: 7, right: true }, { width: 16, min: 6 }, { width: 5, right: true }, ...FIGURES];
const CONN_COLUMNS: Column[] = [
	{ width: 7, right: true },
	{ width: 8, min: 5, max: 16, drop: 2 },
	{ width: 15, min: 13, max: 47, middle: true, drop: 1 },
	{ width: 15, min: 13, max: 47, middle: true },
	...FIGURES.map((c) => ({ ...c, width: 7 })),
];

type Figures = Pick<RttStats, 'count' | 'avg' | 'p50' | 'p99'>;
const figures = (s: Figures) => [String(s.count), String(s.avg), String(s.p50), String(s.p99)];

const SORTERS: Record<string, (a: Figures, b: Figures) => number> = {
	count: (a, b) => b.count - a.count,
	p99: (a, b) => b.p99 - a.p99,
	avg: (a, b) => b.avg - a.avg,
};

/** What the tab's summary says of a histogram: its count, loopback's share, its figures. */
type Stats = Pick<RttStats, 'count' | 'avg' | 'p50' | 'p90' | 'p99'> & { readonly loopback_count?: number };

/** "count 123 (97% loopback)  avg 45.6  p50 40  p90 60  p99 80 usecs": loopback's share, as it can swamp the rest. */
export function statsText(s: Stats, unit: string, gap = '  '): string {
	return `${countText(s)}${gap}${figuresText(s, unit, gap)}`;
}

const countText = (s: Stats) => `count ${s.count}${s.loopback_count && s.count > 0 ? ` (${Math.round((s.loopback_count / s.count) * 100)}% loopback)` : ''}`;
const figuresText = (s: Stats, unit: string, gap = '  ') => [`avg ${s.avg}`, `p50 ${s.p50}`, `p90 ${s.p90}`, `p99 ${s.p99} ${unit}`].join(gap);

/** The figures at their widest usual values: a million samples, all of them loopback, times of 10 ms in us. */
const WIDEST_STATS: Stats = { count: 999999, loopback_count: 999999, avg: 9999.9, p50: 9999.9, p90: 9999.9, p99: 9999.9 };

/** The tab's summary in one line where the width holds it at its widest figures (closer set if need be), else in two: the width alone decides, so it holds still as figures change. */
function statsLines(s: Stats, unit: string, width: number): Line[] {
	const gap = statsText(WIDEST_STATS, 'usecs').length <= width ? '  ' : ' ';
	if (statsText(WIDEST_STATS, 'usecs', gap).length <= width) return [line(statsText(s, unit, gap), { bold: true })];
	return [line(countText(s), { bold: true }), line(figuresText(s, unit), { bold: true })];
}

/** tcprtt's layout: "     lo -> hi         : count    |*****     |", bars scaled to the largest slot. */
function histogramLines(stats: RttStats, unit: string, barWidth: number): Line[] {
	const buckets = stats.buckets;
	const first = buckets.findIndex((b) => b.count > 0);
	if (first < 0) return [NONE];
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

const NONE = line('no RTT samples in this interval', { dim: true });

/** The connections in the order of `sort`, the first `n`: by samples the view has them in order already, and only those worked out. */
function connections(view: RttView, sort: string, n: number): RttFlowFigures[] {
	if (sort !== 'count') return [...view.flows].sort(SORTERS[sort]).slice(0, n);
	const out: RttFlowFigures[] = [];
	view.eachFlowBetween(0, n, (f, x) => out.push({ ...f, ...x, ...cgroupFieldsOf(view.cgroupOf(f)) }));
	return out;
}

const byAddress = (view: RttView, sort: string) => [...view.by_raddr].sort(SORTERS[sort]);
const byProcess = (view: RttView, sort: string) => [...view.by_process].sort(SORTERS[sort]);

/** The lines a table's rows have: the tab's less the summary (one line or two, by the width) and the column header. */
const roomOf = (height: number, width: number) => height - statsLines(WIDEST_STATS, 'usecs', width).length - 1;

/** A connection's identity across intervals: its owner and ends. */
const flowId = (f: OwnedFlow) => `${f.pid}|${f.netns}|${f.laddr}|${f.lport}|${f.raddr}|${f.rport}`;

function tableLines(view: RttView, { state, sort, height, width, currentNetns, cursor, filter }: TabProps<RttTabState>): Line[] {
	const room = roomOf(height, width);
	/** With `containers`, the rows' containers in a column after COMM (rowAt's third value). */
	const table = (columns: readonly Column[], names: string[], n: number, rowAt: (i: number) => readonly string[], what: string, containers = false, enter?: string) => {
		const placed = layout(withContainer(columns, containers, 2), width);
		return [line(cells(placed, withContainerCell(names, containers, 2, 'CONTAINER')), { bold: true }), ...scrolled(n, room, (i) => line(cells(placed, rowAt(i))), NONE, { what, cursor, filter, enter, width })];
	};
	switch (state.mode) {
		case 'addr': {
			const list = byAddress(view, sort);
			const row = (i: number) => {
				const a = list[i]!;
				return [a.raddr, a.netns === currentNetns ? '' : (a.netns_name ?? String(a.netns)), ...figures(a)];
			};
			return table(ADDR_COLUMNS, ['REMOTE ADDRESS', 'NETNS', ...figureNames(view)], list.length, row, 'addresses');
		}
		case 'proc': {
			const list = byProcess(view, sort);
			const shown = list.some((p) => p.container !== null);
			const row = (i: number) => withContainerCell([String(list[i]!.pid), list[i]!.comm, String(list[i]!.connections), ...figures(list[i]!)], shown, 2, list[i]!.container);
			return table(PROC_COLUMNS, ['PID', 'COMM', 'CONNS', ...figureNames(view)], list.length, row, 'processes', shown, 'its connections');
		}
		default: {
			// Only the connections up to the end of the page shown are worked out.
			const list = connections(view, sort, (cursor?.at ?? 0) + room);
			const shown = list.some((f) => f.container !== null);
			const row = (i: number) => {
				const f = list[i]!;
				return withContainerCell([String(f.pid), f.comm, endpoint(f.laddr, f.lport), endpoint(f.raddr, f.rport), ...figures(f)], shown, 2, f.container);
			};
			return table(CONN_COLUMNS, ['PID', 'COMM', 'LOCAL', 'REMOTE', ...figureNames(view)], view.flowCount, row, 'connections', shown, 'its process');
		}
	}
}

/** What Up and Down move through: the rows of the table shown (none under the histogram). */
function rttList(view: RttView, { state, sort, height, width }: TabProps<RttTabState>): TabList {
	const page = (n: number) => () => pageRows(n, roomOf(height, width));
	switch (state.mode) {
		case 'hist':
			return listOf([], () => 0, { id: () => undefined, name: () => '' });
		case 'addr': {
			const list = byAddress(view, sort);
			return listOf(list, page(list.length), { id: (a) => `${a.netns}|${a.raddr}`, name: (a) => `address ${a.raddr}` });
		}
		case 'proc': {
			const list = byProcess(view, sort);
			return listOf(list, page(list.length), { id: (p) => p.pid, name: (p) => `process ${p.pid} ${p.comm}`, owner: (p) => p });
		}
		default: {
			// Worked out only when a row is asked for by its place; found by identity, in the order the view keeps.
			let list: RttFlowFigures[] | undefined;
			const all = () => (list ??= connections(view, sort, view.flowCount));
			return {
				length: view.flowCount,
				owner: (i) => all()[i],
				id: (i) => (all()[i] ? flowId(all()[i]!) : undefined),
				indexOf(id) {
					if (sort !== 'count') return all().findIndex((f) => flowId(f) === id);
					let at = -1;
					let k = 0;
					view.eachFlowBetween(0, view.flowCount, (f) => {
						if (at < 0 && flowId(f) === id) at = k;
						k++;
					});
					return at;
				},
				name: (i) => (all()[i] ? `connection ${endpoint(all()[i]!.laddr, all()[i]!.lport)} of ${all()[i]!.pid} ${all()[i]!.comm}` : ''),
				page: page(view.flowCount),
			};
		}
	}
}

function rttLines(view: Maybe<RttView> | undefined, props: TabProps<RttTabState>): Line[] {
	if (!view) return [line('waiting for the first interval', { dim: true })];
	if (isUnavailable(view)) return unavailableLines('RTT', view.unavailable);
	const summary = statsLines(view, view.unit, props.width);
	if (props.state.mode !== 'hist') return [...summary, ...tableLines(view, props)];
	const barWidth = Math.max(10, Math.min(40, props.width - 38));
	return [...summary, ...truncate(histogramLines(view, view.unit, barWidth), props.height - summary.length, 'slots', '', props.width)];
}

export const rttTab: Tab<RttView, RttTabState> = {
	title: 'RTT',
	short: 'RTT',
	sorts: ['count', 'p99', 'avg'],
	initial: { mode: 'hist' },
	keys: [
		{
			key: 'a',
			help: 'histogram, per remote address, per process, per connection',
			footer: (state) => NEXT_LABEL[state.mode],
			apply: (state) => ({ mode: RTT_MODES[(RTT_MODES.indexOf(state.mode) + 1) % RTT_MODES.length]! }),
		},
	],
	lines: rttLines,
	list: rttList,
};
