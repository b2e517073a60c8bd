// The Retransmits tab: per-flow counts, then the rolling list of recent events.
import { isUnavailable, type Maybe } from '../../model/reading.js';
import { cells, layout, withContainer, withContainerCell, type Column, type Placed } from '../../format/columns.js';
import { shortState } from '../../format/numbers.js';
import { clock } from '../../format/time.js';
import { aboveHint, byWidth, endpoint, keptLines, line, pageRows, scrolled, showsRows, truncate, unavailableLines, type Line } from '../../format/lines.js';
import { eventKinds, listOf } from '../../format/rows.js';
import type { Tab, TabList, TabProps } from '../feature.js';
import type { RetransEvent, RetransFlow, RetransView } from './model.js';

const COMM = { min: 5, max: 16, drop: 2 };
const LOCAL = { min: 13, max: 47, middle: true, drop: 1 };
const REMOTE = { min: 13, max: 47, middle: true };
const FLOW_COLUMNS: Column[] = [{ width: 7, right: true }, { width: 10, ...COMM }, { width: 22, ...LOCAL }, { width: 22, ...REMOTE }, { width: 7, right: true }, { width: 6, right: true }];
const EVENT_COLUMNS: Column[] = [
	{ width: 8, drop: 3 },
	{ width: 7, right: true },
	{ width: 9, ...COMM },
	{ width: 17, ...LOCAL },
	{ width: 17, ...REMOTE },
	{ width: 6 },
	{ width: 6 },
	{ width: 3, right: true },
];

const SORTERS: Record<string, (a: RetransFlow, b: RetransFlow) => number> = {
	segs: (a, b) => b.segs - a.segs,
	count: (a, b) => b.count - a.count,
};

function eventLine(columns: readonly Placed[], e: RetransEvent, container: string | undefined, shown: boolean): Line {
	const time = clock(e.time);
	const values = [time, e.pid ? String(e.pid) : '-', e.comm, endpoint(e.laddr, e.lport), endpoint(e.raddr, e.rport), shortState(e.state), e.kind, String(e.segs)];
	return line(cells(columns, withContainerCell(values, shown, 3, container)), {
		color: e.kind === 'synack' || e.kind === 'syn' ? 'yellow' : undefined,
	});
}

/** Everything above the event list (the interval, the flows, the events' header), and the events and how to draw one. */
/** The flows' window in words that fit the width with its figures at their widest. */
const windowText = (width: number) =>
	byWidth(width, [99999, '00:00:00'], [(n: number, since: string) => `per flow, the last ${n} events (since ${since}):`, (n: number, since: string) => `per flow, last ${n} events (since ${since}):`, (n: number, since: string) => `last ${n} since ${since}:`]);

function retransParts(view: Maybe<RetransView> | undefined, { sort, seconds, height, width, plain, filter }: TabProps<undefined>) {
	const rate = view && !isUnavailable(view) && seconds > 0 ? ` (${(view.segs / seconds).toFixed(1)} seg/s)` : '';
	const v = view && !isUnavailable(view) ? view : undefined;
	const summary = line(`this interval: ${v?.count ?? 0} retransmits, ${v?.segs ?? 0} segments${rate}`, { bold: true });
	// On screen, flows over the whole recent list, so a burst stays visible after its interval; a pipe gets each interval's own, once.
	const events = (plain ? v?.events.slice().reverse() : v?.recent) ?? [];
	const flows = [...((plain ? v?.flows : v?.recentFlows) ?? [])].sort(SORTERS[sort]);
	const containerOf = (id: number) => v?.containerOf(id);
	const containers = [...events, ...flows].some((r) => containerOf(r.cgroupId) !== undefined);
	const flowColumns = layout(withContainer(FLOW_COLUMNS, containers, 2), width);
	const eventColumns = layout(withContainer(EVENT_COLUMNS, containers, 3), width);
	// The flows' window: the recent list, not the interval (its totals keep growing while the interval's stay small).
	const oldest = events.at(-1);
	const window = plain ? 'per flow, this interval:' : oldest ? windowText(width)(events.length, clock(oldest.time)) : 'per flow, the recent events:';
	const flowHead = line(cells(flowColumns, withContainerCell(['PID', 'COMM', 'LOCAL', 'REMOTE', 'EVENTS', 'SEGS'], containers, 2, 'CONTAINER')), { bold: true });
	const flowRows = flows.map((f) =>
		line(cells(flowColumns, withContainerCell([f.pid ? String(f.pid) : '-', f.comm, endpoint(f.laddr, f.lport), endpoint(f.raddr, f.rport), String(f.count), String(f.segs)], containers, 2, containerOf(f.cgroupId)))),
	);
	// Four lines besides the flows (the interval's, the window's, two headers); the events keep a few rows, the flows give theirs up first, then the window's line.
	const spare = height - 4 - keptLines(events.length);
	const flowRoom = plain ? Math.max(1, flowRows.length) : Math.max(1, Math.min(flowRows.length || 1, Math.floor((height - 5) / 3), spare));
	const caption = plain || spare >= 1 ? [line(window, { dim: true })] : [];
	const listRoom = height - 3 - caption.length - flowRoom;
	const eventHead = line(cells(eventColumns, withContainerCell(['TIME', 'PID', 'COMM', 'LOCAL', 'REMOTE', 'STATE', 'KIND', 'SEG'], containers, 3, 'CONTAINER')), { bold: true });
	const none = line(plain ? 'none' : 'none recently', { dim: true });
	const above = [summary, ...caption, flowHead, ...truncate(flowRows.length ? flowRows : [none], flowRoom, 'flows', aboveHint(filter, plain || showsRows(events.length, listRoom) ? 'events' : undefined), width), eventHead];
	const eventAt = (i: number) => eventLine(eventColumns, events[i]!, containerOf(events[i]!.cgroupId), containers);
	return { above, events, eventAt, none };
}

function retransLines(view: Maybe<RetransView> | undefined, props: TabProps<undefined>): Line[] {
	if (view && isUnavailable(view)) return unavailableLines('Retransmits', view.unavailable);
	const { above, events, eventAt, none } = retransParts(view, props);
	const height = props.plain ? Math.max(1, events.length) : props.height - above.length;
	return [...above, ...scrolled(events.length, height, eventAt, none, { what: 'events', cursor: props.cursor, filter: props.filter, enter: 'its process', width: props.width })];
}

export const retransTab: Tab<RetransView, undefined> = {
	title: 'Retransmits',
	short: 'Rtx',
	sorts: ['segs', 'count'],
	initial: undefined,
	keys: [],
	lines: retransLines,
	list: (view, props): TabList => listOf(view.recent, () => pageRows(view.recent.length, props.height - retransParts(view, props).above.length), eventKinds('retransmit')),
};
