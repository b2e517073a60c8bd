// The Connections tab: the interval's counts as the kernel keeps them, the recent events per endpoint, and the rolling event list.
import { human, rateText } from '../../format/numbers.js';
import { clock } from '../../format/time.js';
import { perSecond } from '../../model/counters.js';
import { cells, layout, withContainer, withContainerCell, type Column, type Placed } from '../../format/columns.js';
import { aboveHint, byWidth, endpoint, keptLines, leftOutLines, line, pageRows, scrolled, showsRows, truncate, unavailableLines, wrapped, type Line } from '../../format/lines.js';
import { eventKinds, listOf } from '../../format/rows.js';
import { isUnavailable, type Maybe } from '../../model/reading.js';
import type { Tab, TabList, TabProps } from '../feature.js';
import type { EndpointMode, EndpointRow } from './endpoint-model.js';
import type { ConnEvent, ConnsRow, ConnsView, ConnTotals } from './model.js';

export interface ConnsTabState {
	readonly mode: EndpointMode;
}

const COMM = { min: 5, max: 16, drop: 2 };
const LOCAL = { min: 13, max: 47, middle: true, drop: 1 };
const REMOTE = { min: 13, max: 47, middle: true };
const EVENT_COLUMNS: Column[] = [
	{ width: 8, drop: 3 },
	{ width: 7, right: true },
	{ width: 8, ...COMM },
	{ width: 7 },
	{ width: 15, ...LOCAL },
	{ width: 15, ...REMOTE },
	{ width: 14, min: 9, max: 30 },
];
// Figures never drop: at 60 columns the endpoint shrinks to 13 and every figure stays.
const ENDPOINT_COLUMNS: Column[] = [{ width: 34, min: 13, max: 47, middle: true }, { width: 5, right: true }, { width: 4, right: true }, { width: 4, right: true }, { width: 5, right: true }, { width: 7, right: true }, { width: 7, right: true }, { width: 7, right: true }];
const NETNS_COLUMNS: Column[] = [{ width: 12, min: 6, max: 24 }, { width: 7, right: true }, { width: 7, right: true }, { width: 6, right: true }, { width: 6, right: true }, { width: 7, right: true }, { width: 6, right: true }, { width: 7, right: true }];

const SORTERS: Record<string, (a: EndpointRow, b: EndpointRow) => number> = {
	opens: (a, b) => b.opens - a.opens,
	fails: (a, b) => b.fails - a.fails || b.opens - a.opens,
	resets: (a, b) => b.resets - a.resets || b.opens - a.opens,
};


/** A lifetime: 850us, 12ms, 1.5s, 3m05s, 2h07m. */
export function lifetime(ms: number): string {
	if (ms < 0.9995) return `${Math.round(ms * 1000)}us`;
	if (ms < 999.5) return `${Math.round(ms)}ms`;
	const s = ms / 1000;
	if (s < 60) return `${s.toFixed(1)}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
	return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A latency in µs: 85us, 1.2ms, 3.0s. */
export function latency(us: number): string {
	if (us < 1000) return `${Math.round(us)}us`;
	if (us < 1e6) return `${(us / 1000).toFixed(us < 1e4 ? 1 : 0)}ms`;
	return `${(us / 1e6).toFixed(1)}s`;
}

const EVENT_NAMES: Record<ConnEvent['type'], string> = { connect: 'connect', accept: 'accept', close: 'close', fail: 'FAIL', reset_in: 'RST in', reset_out: 'RST out' };

/** What a close shows for the lifetime of a connection opened before nettop started (its start was not seen). */
export const BEFORE_START = '<start';

/** The event's last column: lifetime and bytes of a close, the reason of a failure, the latency of a connect, the state of a reset. */
export function eventDetail(e: ConnEvent): string {
	switch (e.type) {
		case 'close':
			return `${e.durationMs === undefined ? BEFORE_START : lifetime(e.durationMs)} ${human(e.txBytes ?? 0)}/${human(e.rxBytes ?? 0)}`;
		case 'fail':
			return e.reason ?? '';
		case 'connect':
			return e.latencyUs === undefined ? '' : latency(e.latencyUs);
		case 'reset_out':
			return e.noSocket ? 'no socket' : e.state;
		default:
			return e.type === 'reset_in' ? e.state : '';
	}
}

/** The EVENT column: the type, or `abort` for a close that reset an established connection. */
export const eventName = (e: ConnEvent): string => (e.type === 'close' && e.abort ? 'abort' : EVENT_NAMES[e.type]);

function eventLine(columns: readonly Placed[], e: ConnEvent, shown: boolean, container: string | undefined): Line {
	const name = eventName(e);
	const owner = e.pid ? String(e.pid) : '-';
	const comm = e.pid ? e.comm : e.noSocket ? '(none)' : e.comm;
	const alert = e.type === 'fail' || e.type === 'reset_in' || e.type === 'reset_out' || e.abort;
	const values = [clock(e.time), owner, comm, name, endpoint(e.laddr, e.lport), endpoint(e.raddr, e.rport), eventDetail(e)];
	return line(cells(columns, withContainerCell(values, shown, 3, container)), { color: alert ? 'yellow' : undefined });
}

type Counted = Omit<ConnTotals, 'handshake_fails'>;

/** The connections established now, when known: " est 40". */
const estab = (t: Counted, name: string) => (t.established === undefined ? '' : `${name} ${t.established}`);

/**
 * The counts line's forms, each as its lines, widest first: every figure a
 * second but the connections established now; RSTs out/in. `r` writes a rate.
 */
const COUNTS_FORMS: ((t: Counted, r: (n: number) => string) => string[])[] = [
	(t, r) => [`connects ${r(t.active_opens)}/s  accepts ${r(t.passive_opens)}/s  failed ${r(t.attempt_fails)}/s  aborted ${r(t.estab_resets)}/s  RST out ${r(t.out_rsts)}/s in ${r(t.in_rsts)}/s${estab(t, '  estab')}`],
	(t, r) => [`conn ${r(t.active_opens)}/s acc ${r(t.passive_opens)}/s fail ${r(t.attempt_fails)}/s abrt ${r(t.estab_resets)}/s RST out ${r(t.out_rsts)}/s in ${r(t.in_rsts)}/s${estab(t, ' est')}`],
	// As the summary's CONN figure: "/s" once after the rates.
	(t, r) => [`conn ${r(t.active_opens)} acc ${r(t.passive_opens)} fail ${r(t.attempt_fails)} abrt ${r(t.estab_resets)} rst ${r(t.out_rsts)}/${r(t.in_rsts)}/s${estab(t, ' est')}`],
	(t, r) => [`conn ${r(t.active_opens)}/s acc ${r(t.passive_opens)}/s fail ${r(t.attempt_fails)}/s abrt ${r(t.estab_resets)}/s`, `RST out ${r(t.out_rsts)}/s in ${r(t.in_rsts)}/s${estab(t, ' est')}`],
	(t, r) => [`conn ${r(t.active_opens)}/s acc ${r(t.passive_opens)}/s`, `fail ${r(t.attempt_fails)}/s abrt ${r(t.estab_resets)}/s`, `RST out ${r(t.out_rsts)}/s in ${r(t.in_rsts)}/s${estab(t, ' est')}`],
];

/** The widest usual interval, as the summary's CONN figure reserves for (4-digit opens and RSTs a second, 2-digit failures): the form follows the width, not the figures of the moment. */
const USUAL: Counted = { active_opens: 1234, passive_opens: 1234, attempt_fails: 12, estab_resets: 12, out_rsts: 1234, in_rsts: 1234, established: 12345 };
const NOTHING: Counted = { active_opens: 0, passive_opens: 0, attempt_fails: 0, estab_resets: 0, out_rsts: 0, in_rsts: 0 };

/**
 * The interval in words that fit the width: the kernel's Tcp counters a
 * second, and the connections established now. The widest form whose usual
 * figures fit; figures wider than usual take a narrower form, or wrap: never cut.
 */
export function countsLines(v: Pick<ConnsView, 'totals'> | undefined, width: number, seconds: number): Line[] {
	const t = v?.totals ?? NOTHING;
	const rate = (n: number) => rateText(perSecond(n, seconds));
	const fits = (texts: string[]) => texts.every((text) => text.length <= width);
	const form = COUNTS_FORMS.find((f) => fits(f(USUAL, String)) && fits(f(t, rate))) ?? COUNTS_FORMS.at(-1)!;
	return form(t, rate).flatMap((text) => wrapped(text, width, { bold: true }));
}

function netnsLines(rows: readonly ConnsRow[], width: number, currentNetns: number, room: number, below: string | undefined): Line[] {
	const columns = layout(NETNS_COLUMNS, width);
	const head = line(cells(columns, ['NETNS', 'CONNECT', 'ACCEPT', 'FAIL', 'ABORT', 'RSTOUT', 'RSTIN', 'ESTAB']), { bold: true });
	const body = rows.map((r) =>
		line(
			cells(columns, [
				r.netns === currentNetns ? '(own)' : (r.netns_name ?? String(r.netns)),
				String(r.active_opens),
				String(r.passive_opens),
				String(r.attempt_fails),
				String(r.estab_resets),
				String(r.out_rsts),
				String(r.in_rsts),
				r.established === undefined ? '-' : String(r.established),
			]),
		),
	);
	// The kernel's counters per namespace: no filter narrows them.
	return [head, ...truncate(body, room, 'namespaces', aboveHint(undefined, below, false), width)];
}

/** What this kernel or this interval keeps from the list: said, never a silent gap. */
function notes(view: ConnsView, width: number): Line[] {
	const out: Line[] = [];
	out.push(...leftOutLines(view.eventsSampled, view.eventsLost, width));
	if (view.totals.handshake_fails > 0) out.push(...wrapped(`of the failed, ${view.totals.handshake_fails} in the handshake (reset before accept; the kernel's count, no event)`, width, { dim: true }));
	if (view.sight.resetsSent === 'sockets') out.push(...wrapped('RSTs sent for closed ports are not seen on this kernel (before Linux 6.9): RST out counts only those of sockets', width, { color: 'yellow' }));
	if (view.sight.resetsSent === 'none') out.push(...wrapped('RSTs sent are not seen on this kernel (no tcp_send_reset): RST out stays 0', width, { color: 'yellow' }));
	if (!view.sight.resetsReceived) out.push(...wrapped('RSTs received are not seen on this kernel (no tcp_receive_reset): RST in stays 0', width, { color: 'yellow' }));
	if (!view.sight.accepts) out.push(...wrapped(`accept() is not traced here (${view.sight.acceptsWhy ?? 'no syscall tracepoints'}): no accept events; accepts still counted`, width, { dim: true }));
	return out;
}

/** What the endpoints' table covers, in words that fit the width with its figures at their widest. */
function captionText(mode: EndpointMode, width: number, n: number, since: string | undefined): string {
	const [by, short] = mode === 'remote' ? ['per remote endpoint', 'per remote'] : ['per local port (accepting side)', 'per local port'];
	if (since === undefined) return `${by}, the recent events:`;
	const form = byWidth(width, [99999, '00:00:00'], [(k: number, t: string) => `${by}, the last ${k} events (since ${t}):`, (k: number, t: string) => `${short}, last ${k} events since ${t}:`, (k: number, t: string) => `last ${k} since ${t}:`]);
	return form(n, since);
}

/** Everything above the event list (counts, notes, namespaces, endpoints, the events' header), and the events and how to draw one. */
function connsParts(view: ConnsView | undefined, { state, sort, seconds, height, width, plain, currentNetns, filter }: TabProps<ConnsTabState>) {
	const above: Line[] = [...countsLines(view, width, seconds), ...(view ? notes(view, width) : [])];
	const rows = view?.counts ?? [];
	// On screen the table covers the recent list, so a burst stays in view; a pipe gets each interval's own events, once.
	const events = (plain ? view?.events.slice().reverse() : view?.recent) ?? [];
	const endpoints = [...(view?.endpoints(state.mode) ?? [])].sort(SORTERS[sort]);
	const oldest = events.at(-1);
	const endpointColumns = layout(ENDPOINT_COLUMNS, width);
	const endpointHead = line(cells(endpointColumns, [state.mode === 'remote' ? 'REMOTE' : 'PORT', 'OPENS', 'FAIL', 'RST', 'CLOSE', 'CONNavg', 'CONNp99', 'LIFEavg']), { bold: true });
	const opt = (n: number | undefined, f: (n: number) => string) => (n === undefined ? '-' : f(n));
	const endpointRows = endpoints.map((r) =>
		line(cells(endpointColumns, [r.key, String(r.opens), String(r.fails), String(r.resets), String(r.closes), opt(r.latencyAvg, latency), opt(r.latencyP99, latency), opt(r.lifetimeAvg, lifetime)])),
	);
	const none = line(plain ? 'none' : 'none recently', { dim: true });
	// The events keep a few rows: the tables give up theirs first (down to a line each), then the endpoints' caption, then the namespaces' table (the line on top sums it).
	const spare = height - above.length - 2 - keptLines(events.length);
	const wanted = rows.length > 1 || (plain && rows.length > 0);
	const netns = wanted && (plain || spare >= 3);
	const caption = plain || ((netns || !wanted) && spare >= (netns ? 4 : 2));
	const free = spare - (caption ? 1 : 0) - (netns ? 1 : 0);
	const room = plain ? Math.max(1, endpointRows.length) : Math.max(1, Math.min(endpointRows.length || 1, Math.max(2, Math.floor((height - above.length - (netns ? 1 + Math.min(rows.length, 3) : 0) - 4) / 3)), free - (netns ? 1 : 0)));
	const netnsRoom = plain ? rows.length : Math.max(1, Math.min(3, free - room));
	const listRoom = height - above.length - (netns ? 1 + Math.min(netnsRoom, rows.length) : 0) - (caption ? 1 : 0) - 2 - Math.min(room, endpointRows.length || 1);
	const below = plain || showsRows(events.length, listRoom) ? 'events' : undefined;
	if (netns) above.push(...netnsLines(rows, width, currentNetns, netnsRoom, below));
	if (caption) above.push(line(plain ? `${state.mode === 'remote' ? 'per remote endpoint' : 'per local port (accepting side)'}, this interval:` : captionText(state.mode, width, events.length, oldest && clock(oldest.time)), { dim: true }));
	above.push(endpointHead, ...truncate(endpointRows.length ? endpointRows : [none], room, 'endpoints', aboveHint(filter, below), width));
	const containerOf = (e: ConnEvent) => view?.containerOf(e.cgroupId);
	const containers = events.some((e) => containerOf(e) !== undefined);
	const eventColumns = layout(withContainer(EVENT_COLUMNS, containers, 3), width);
	above.push(line(cells(eventColumns, withContainerCell(['TIME', 'PID', 'COMM', 'EVENT', 'LOCAL', 'REMOTE', 'DETAIL'], containers, 3, 'CONTAINER')), { bold: true }));
	const eventAt = (i: number) => eventLine(eventColumns, events[i]!, containers, containerOf(events[i]!));
	return { above, events, eventAt, none };
}

function connsLines(view: Maybe<ConnsView> | undefined, props: TabProps<ConnsTabState>): Line[] {
	if (view && isUnavailable(view)) return unavailableLines('Connections', view.unavailable);
	const { above, events, eventAt, none } = connsParts(view, props);
	const left = props.plain ? Math.max(1, events.length) : props.height - above.length;
	return [...above, ...scrolled(events.length, left, eventAt, none, { what: 'events', cursor: props.plain ? undefined : props.cursor, filter: props.filter, enter: 'its process', width: props.width })];
}

const NEXT_LABEL: Record<EndpointMode, string> = { remote: 'a by port', port: 'a by remote' };

export const connsTab: Tab<ConnsView, ConnsTabState> = {
	title: 'Connections',
	short: 'Conns',
	sorts: ['opens', 'fails', 'resets'],
	initial: { mode: 'remote' },
	keys: [
		{
			key: 'a',
			help: 'per remote endpoint, per local port',
			footer: (state) => NEXT_LABEL[state.mode],
			apply: (state) => ({ mode: state.mode === 'remote' ? 'port' : 'remote' }),
		},
	],
	lines: connsLines,
	list: (view, props): TabList => listOf(view.recent, () => pageRows(view.recent.length, props.height - connsParts(view, props).above.length), eventKinds('event')),
};
