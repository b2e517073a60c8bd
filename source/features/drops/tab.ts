// The Drops tab: drops a second by reason and place, the flows a socket had, and a sample of events with the kernel function that dropped them.
import { cells, layout, withContainer, withContainerCell, type Column } from '../../format/columns.js';
import { rateText, shortState } from '../../format/numbers.js';
import { clock } from '../../format/time.js';
import { perSecond } from '../../model/counters.js';
import { aboveHint, byWidth, endpoint, keptLines, leftOutLines, line, pageRows, scrolled, showsRows, truncate, unavailableLines, wrapped, type Line } from '../../format/lines.js';
import { eventKinds, listOf } from '../../format/rows.js';
import { isUnavailable, type Maybe } from '../../model/reading.js';
import type { Tab, TabList, TabProps } from '../feature.js';
import { TEARDOWN, type DropEvent, type DropFlow, type DropRow, type DropsView } from './model.js';

const REASON = { width: 22, min: 14, max: 40 };
// PROTO holds "ipv6/icmpv6" whole.
const REASON_COLUMNS: Column[] = [REASON, { width: 12, min: 5, max: 24, drop: 1 }, { width: 10, min: 5, max: 16 }, { width: 11 }, { width: 8, right: true }, { width: 8, right: true }];
// A reason is a figure's label: it keeps 14 characters while the local end and the command go.
const FLOW_COLUMNS: Column[] = [
	{ width: 7, right: true },
	{ width: 9, min: 5, max: 16, drop: 3 },
	{ width: 15, min: 13, max: 47, middle: true, drop: 1 },
	{ width: 15, min: 13, max: 47, middle: true },
	{ width: 16, min: 14, max: 40 },
	{ width: 6, drop: 2 },
	{ width: 6, right: true },
];
// No time column: the line above the list says since when; the rest is what tells drops apart.
// PROTO holds "ipv6/icmpv6" whole; REASON gives it room (its common names take 14: SOCKET_RCVBUFF).
const EVENT_COLUMNS: Column[] = [
	{ width: 14, min: 14, max: 40 },
	{ width: 22, min: 12, max: 40, drop: 2 },
	{ width: 11, drop: 1 },
	{ width: 15, min: 13, max: 47, middle: true },
	{ width: 15, min: 13, max: 47, middle: true },
];

const SORTERS: Record<string, (a: DropRow, b: DropRow) => number> = {
	count: (a, b) => b.count - a.count,
	reason: (a, b) => a.reason.localeCompare(b.reason) || b.count - a.count,
};

const rate = (n: number, seconds: number) => rateText(perSecond(n, seconds));

/** A packet's ends: where it came from and where it was going (a socket's remote and local end). */
const ends = (e: DropEvent): [string, string] => (e.lport || e.rport ? [endpoint(e.raddr, e.rport), endpoint(e.laddr, e.lport)] : e.raddr && e.raddr !== '0.0.0.0' ? [e.raddr, e.laddr] : ['-', '-']);

/** What the list holds, in words that fit the width with its figures at their widest. */
const captionText = (width: number) =>
	byWidth(width, [99999, '00:00:00'], [(n: number, since: string) => `a sample of the drops, newest first: the last ${n} (since ${since})`, (n: number, since: string) => `sampled drops, newest first: last ${n} (since ${since})`, (n: number, since: string) => `last ${n} since ${since}`]);

/** Everything above the sampled drops (rates, reasons, flows, the list's header), and the drops and how to draw one. */
function dropsParts(view: DropsView | undefined, { sort, seconds, height, width, plain, currentNetns, filter }: TabProps<undefined>) {
	const out: Line[] = [line(`drops ${rate(view?.drops ?? 0, seconds)}/s  (${view?.drops ?? 0} this interval)  teardown ${rate(view?.teardown ?? 0, seconds)}/s, apart`, { bold: true })];
	out.push(...leftOutLines(view?.eventsSampled ?? 0, view?.eventsLost ?? 0, width));
	const listen = view?.listen ?? [];
	if (listen.length > 0) {
		const [o, d] = [listen.reduce((n, r) => n + r.listen_overflows, 0), listen.reduce((n, r) => n + r.listen_drops, 0)];
		out.push(...wrapped(`listen queues: ${o} overflows, ${d} drops (the kernel's counters: it frees these SYNs without a drop reason)`, width, { color: 'yellow' }));
	}
	const rc = layout(REASON_COLUMNS, width);
	const rows = [...(view?.reasons ?? [])].sort(SORTERS[sort]);
	const none = line(plain ? 'none' : 'no drops in this interval', { dim: true });
	const reasonRows = rows.map((r) =>
		line(cells(rc, [r.reason, r.netns === currentNetns ? '' : (r.netns_name ?? String(r.netns)), r.ifname || '-', r.protocol, String(r.count), rate(r.count, seconds)]), { dim: r.teardown }),
	);
	const flows = view?.flows ?? [];
	const containerOf = (f: DropFlow) => view?.containerOf(f.cgroupId);
	const containers = flows.some((f) => containerOf(f) !== undefined);
	const fc = layout(withContainer(FLOW_COLUMNS, containers, 2), width);
	const flowRows = flows.map((f: DropFlow) =>
		line(cells(fc, withContainerCell([f.pid ? String(f.pid) : '-', f.comm, endpoint(f.laddr, f.lport), endpoint(f.raddr, f.rport), f.reason, f.state ? shortState(f.state) : '-', String(f.count)], containers, 2, containerOf(f)))),
	);
	const ec = layout(EVENT_COLUMNS, width);
	const events = (plain ? view?.events.slice().reverse() : view?.recent) ?? [];
	const oldest = events.at(-1);
	// The drops keep a few rows: the tables give up theirs first (down to a line each), then the list's caption, then the flows' table (the list's rows open their process).
	const spare = height - out.length - 2 - keptLines(events.length);
	const flowTable = plain || spare >= 3;
	const caption = plain || (flowTable && spare >= 4);
	const free = spare - (caption ? 1 : 0) - (flowTable ? 1 : 0);
	const flowRoom = plain ? Math.max(1, flowRows.length) : Math.max(1, Math.min(flowRows.length || 1, 3, Math.floor(free / 3)));
	const room = plain ? Math.max(1, reasonRows.length) : Math.max(1, Math.min(Math.max(2, Math.min(reasonRows.length || 1, Math.floor((height - 8) / 2))), free - (flowTable ? flowRoom : 0)));
	const listRoom = height - out.length - 2 - (caption ? 1 : 0) - Math.min(room, reasonRows.length || 1) - (flowTable ? 1 + Math.min(flowRoom, flowRows.length || 1) : 0);
	const below = plain || showsRows(events.length, listRoom) ? 'drops' : undefined;
	// The reasons are the kernel's counts, which no filter narrows.
	out.push(line(cells(rc, ['REASON', 'NETNS', 'IFACE', 'PROTO', 'DROPS', '/s']), { bold: true }), ...truncate(reasonRows.length ? reasonRows : [none], room, 'reasons', aboveHint(filter, below, false), width));
	if (flowTable) out.push(line(cells(fc, withContainerCell(['PID', 'COMM', 'LOCAL', 'REMOTE', 'REASON', 'STATE', 'DROPS'], containers, 2, 'CONTAINER')), { bold: true }), ...truncate(flowRows.length ? flowRows : [line('no socket had a dropped packet', { dim: true })], flowRoom, 'flows', aboveHint(filter, below), width));
	if (caption) out.push(line(plain ? "a sample of this interval's drops:" : oldest ? captionText(width)(events.length, clock(oldest.time)) : 'a sample of the drops, newest first:', { dim: true }));
	out.push(line(cells(ec, ['REASON', 'WHERE', 'PROTO', 'FROM', 'TO']), { bold: true }));
	const eventLine = (i: number) => {
		const e = events[i]!;
		return line(cells(ec, [e.reason, e.location, e.protocol, ...ends(e)]), { dim: TEARDOWN.has(e.reason) });
	};
	return { above: out, events, eventAt: eventLine, none };
}

function dropsLines(view: Maybe<DropsView> | undefined, props: TabProps<undefined>): Line[] {
	if (view && isUnavailable(view)) return unavailableLines('Drops', view.unavailable);
	const { above, events, eventAt, none } = dropsParts(view, props);
	const left = props.plain ? Math.max(1, events.length) : props.height - above.length;
	return [...above, ...scrolled(events.length, left, eventAt, none, { what: 'drops', cursor: props.plain ? undefined : props.cursor, filter: props.filter, enter: 'its process', width: props.width })];
}

export const dropsTab: Tab<DropsView, undefined> = {
	title: 'Drops',
	short: 'Drops',
	sorts: ['count', 'reason'],
	initial: undefined,
	keys: [],
	lines: dropsLines,
	list: (view, props): TabList => listOf(view.recent, () => pageRows(view.recent.length, props.height - dropsParts(view, props).above.length), eventKinds('drop')),
};
