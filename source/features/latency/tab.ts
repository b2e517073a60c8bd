// The Latency tab: per stage and interface the sampled packets' times, the flows that waited longest, and the packets themselves, newest first.
import { cells, layout, withContainer, withContainerCell, type Column } from '../../format/columns.js';
import { aboveHint, endpoint, keptLines, line, pageRows, scrolled, showsRows, truncate, unavailableLines, wrapped, type Line } from '../../format/lines.js';
import { eventKinds, listOf } from '../../format/rows.js';
import { clock } from '../../format/time.js';
import { isUnavailable, type Maybe } from '../../model/reading.js';
import type { Tab, TabList, TabProps } from '../feature.js';
import { MAX_EVERY, type LatencyTabState } from './collector.js';
import type { LatencyFlowRow, LatencyPacket, LatencyView, StageFigures } from './model.js';

const US: Column = { width: 8, right: true };
const US7: Column = { width: 7, right: true };
const STAGE_COLUMNS: Column[] = [{ width: 6 }, { width: 10, min: 5, max: 16, drop: 1 }, { width: 10, min: 6, max: 16 }, { width: 7, right: true }, US, US, US, US];
const FLOW_COLUMNS: Column[] = [
	{ width: 7, right: true },
	{ width: 9, min: 5, max: 16, drop: 2 },
	{ width: 16, min: 13, max: 47, middle: true, drop: 1 },
	{ width: 16, min: 13, max: 47, middle: true },
	{ width: 6 },
	{ width: 5, right: true },
	US7,
	US7,
];
// The time goes first: the list is newest first, and the figures are what tells packets apart.
const PACKET_COLUMNS: Column[] = [
	{ width: 8, drop: 1 },
	{ width: 2 },
	{ width: 6, max: 16, drop: 3 },
	{ width: 16, max: 47, middle: true, drop: 2 },
	{ width: 16, min: 13, max: 47, middle: true },
	US7,
	US7,
	US7,
	US7,
];

/** µs as the columns write them: a decimal below 10. */
export const usText = (us: number | null): string => (us === null ? '-' : us < 10 ? us.toFixed(1) : String(Math.round(us)));
const figures = (s: StageFigures) => [String(s.count), usText(s.avg), usText(s.p50), usText(s.p90), usText(s.p99)];

const SORTERS: Record<string, (a: StageFigures, b: StageFigures) => number> = {
	p99: (a, b) => b.p99 - a.p99,
	count: (a, b) => b.count - a.count,
	avg: (a, b) => b.avg - a.avg,
};

const ends = (p: { proto: string; laddr: string; lport: number; raddr: string; rport: number }): [string, string] => (p.proto === '' ? ['-', '-'] : [endpoint(p.laddr, p.lport), endpoint(p.raddr, p.rport)]);

/** The unmatched, with the direction they were in: "13 unmatched tx", "15 unmatched (13 tx, 2 rx)". */
function unmatchedText({ send, receive }: LatencyView['unmatched']): string {
	const n = `${send + receive} unmatched`;
	if (send && receive) return `${n} (${send} tx, ${receive} rx)`;
	return send ? `${n} tx` : receive ? `${n} rx` : n;
}

/** The header's forms, each as its lines, widest first: the keys go first when narrow (the footer has them), then the words. */
const HEADER_FORMS: ((every: number, sampled: string, ended: string) => string[])[] = [
	(every, sampled, ended) => [`latency: 1 in ${every} (+/- to change)  ${sampled}; ${ended}`],
	(every, sampled, ended) => [`latency: 1 in ${every}  ${sampled}; ${ended}`],
	(every, sampled, ended) => [`1/${every}: ${sampled}; ${ended}`],
	(every, sampled, ended) => [`latency: 1 in ${every}  ${sampled}`, ended],
];

/** The counts in words that add up: "sampled 44", "ended 63 = 50 timed + 13 unmatched tx". */
const countsTexts = (sampled: number, timed: number, unmatched: LatencyView['unmatched']): [string, string] => [
	`sampled ${sampled}`,
	`ended ${timed + unmatched.send + unmatched.receive} = ${timed} timed + ${unmatchedText(unmatched)}`,
];

/** The widest usual header (N up to 512, three-digit counts, unmatched one way): the form follows the width, not the counts of the moment. */
const USUAL_HEADER = (form: (typeof HEADER_FORMS)[number]) => form(512, ...countsTexts(123, 123, { send: 123, receive: 0 }));

/**
 * The sampling and what became of the followed packets, in words that add up:
 * the packets sampled this interval, and those whose following ended in it
 * (some were sampled in the interval before): timed to their last hook, or
 * unmatched, lost by the hooks (docs/latency.md). The widest form whose usual
 * figures fit; figures wider than usual take a narrower form, or wrap: never cut.
 */
function header(view: LatencyView | undefined, plain: boolean, width: number): Line[] {
	if (!view || view.state !== 'on') return [line(view?.state === 'off' ? 'latency: off' : 'latency: loading its programs...', { bold: true })];
	const counts = countsTexts(view.sampled, view.timed, view.unmatched);
	if (plain) return HEADER_FORMS[1]!(view.every, ...counts).map((text) => line(text, { bold: true }));
	const fits = (texts: string[]) => texts.every((text) => text.length <= width);
	const form = HEADER_FORMS.find((f) => fits(USUAL_HEADER(f)) && fits(f(view.every, ...counts))) ?? HEADER_FORMS.at(-1)!;
	return form(view.every, ...counts).flatMap((text) => wrapped(text, width, { bold: true }));
}

/** A device's stage row with its queues' rows under it, and what it is sorted by. */
interface StageGroup {
	readonly figures: StageFigures;
	readonly lines: Line[];
}

/**
 * The stage rows in the tab's order, in `room` lines: when not all fit, the
 * stage the summary quotes (the highest p99) is among those shown, in the last
 * place shown if the order puts it further down.
 */
function stageLines(groups: StageGroup[], sort: string, room: number, none: Line, hint: readonly string[], width: number): Line[] {
	if (groups.length === 0) return [none];
	const sorted = [...groups].sort((a, b) => SORTERS[sort]!(a.figures, b.figures));
	const rows = sorted.flatMap((g) => g.lines);
	const worst = groups.reduce((w, g) => (g.figures.p99 > w.figures.p99 ? g : w)).lines[0]!;
	const at = rows.indexOf(worst);
	if (rows.length > room && at >= room - 1 && room >= 2) rows.splice(room - 2, 0, ...rows.splice(at, 1));
	return truncate(rows, room, 'stages', hint, width);
}

/**
 * Packets cut into segments in software, per interface: timed by their first
 * segment; those that could not be followed are also in unmatched
 * (docs/latency.md). Once the tab has seen some (`seen`), the line stays,
 * saying none, so that the stages below hold their place.
 */
function segmentationLines(view: LatencyView | undefined, currentNetns: number | undefined, seen = false): Line[] {
	if (!view || view.state !== 'on' || (view.segmentation.length === 0 && !seen)) return [];
	const where = (r: LatencyView['segmentation'][number]) => (r.netns === currentNetns ? r.ifname : `${r.netns_name ?? r.netns}/${r.ifname}`);
	const rows = view.segmentation.map((r) => `${where(r)} ${r.followed} packets${r.lost ? `, ${r.lost} not followed` : ''}`);
	return [line(`segmented (timed to their first segment): ${rows.length ? rows.join('; ') : 'none this interval'}`, { dim: true })];
}

/** Everything above the packet list (the sampling, stages, flows, the list's header), and the packets and how to draw one. */
function latencyParts(view: LatencyView | undefined, { state, sort, height, width, plain, currentNetns, filter }: TabProps<LatencyTabState>) {
	const plainLines = plain === true;
	const out = header(view, plainLines, width);
	out.push(...segmentationLines(view, currentNetns, state.segmented));
	const sc = layout(STAGE_COLUMNS, width);
	// A device whose packets left on several queues: a dim row per queue under its own.
	const groups = (view?.stages ?? []).map((r): StageGroup => {
		const netns = r.netns === currentNetns ? '' : (r.netns_name ?? String(r.netns));
		const queues = (r.queues ?? []).map((q) => line(cells(sc, [r.stage, netns, `${r.ifname} q${q.queue}`, ...figures(q)]), { dim: true }));
		return { figures: r, lines: [line(cells(sc, [r.stage, netns, r.ifname || '-', ...figures(r)])), ...queues] };
	});
	const stageCount = groups.reduce((n, g) => n + g.lines.length, 0);
	const none = (text: string) => line(plain ? 'none' : text, { dim: true });
	const flows = [...(view?.flows ?? [])].sort(SORTERS[sort]);
	const packets = (plain ? view?.packets : view?.recent) ?? [];
	// Under the sampling's lines, the packets keep a few rows: the flows give up theirs first, then the stages, down to a line each, then the caption, then the flows' table.
	const spare = height - out.length - 2 - keptLines(packets.length);
	const flowTable = plainLines || spare >= 3;
	const stageRoom = plainLines ? Math.max(1, stageCount) : Math.max(1, Math.min(Math.max(2, Math.min(stageCount || 1, height - 4 - 1 - 2)), spare - (flowTable ? 2 : 0)));
	const rest = height - out.length - 1 - Math.min(stageRoom, stageCount || 1) - (flowTable ? 2 : 1);
	const containerOf = (id: number) => view?.cgroupOf(id)?.container;
	const containers = flows.some((f) => containerOf(f.cgroupId) !== undefined);
	const fc = layout(withContainer(FLOW_COLUMNS, containers, 2), width);
	const flowRow = (f: LatencyFlowRow) => line(cells(fc, withContainerCell([f.pid ? String(f.pid) : '-', f.comm || '-', ...ends(f), f.stage, String(f.count), usText(f.p50), usText(f.p99)], containers, 2, containerOf(f.cgroupId))));
	const flowRoom = plainLines ? Math.max(1, flows.length) : Math.max(1, Math.min(flows.length || 1, 4, Math.floor(rest / 3), spare - stageRoom - 1));
	const flowLines = flowTable ? Math.min(flowRoom, flows.length || 1) : 0;
	// The list's caption is decoration: it goes before a packet does.
	const caption = plainLines || (flowTable && rest - flowRoom >= 4 && spare - stageRoom - 1 - flowRoom >= 1);
	const listRoom = rest - flowLines - (caption ? 1 : 0);
	const below = plainLines || showsRows(packets.length, listRoom) ? 'packets' : undefined;
	out.push(line(cells(sc, ['STAGE', 'NETNS', 'IFACE', 'COUNT', 'AVG us', 'P50', 'P90', 'P99']), { bold: true }), ...stageLines(groups, sort, stageRoom, none('no packet timed in this interval'), aboveHint(filter, below), width));
	if (flowTable) out.push(line(cells(fc, withContainerCell(['PID', 'COMM', 'LOCAL', 'REMOTE', 'STAGE', 'COUNT', 'P50 us', 'P99'], containers, 2, 'CONTAINER')), { bold: true }), ...truncate(flows.length ? flows.map(flowRow) : [none('no flow timed')], flowRoom, 'flows', aboveHint(filter, below), width));
	const pc = layout(PACKET_COLUMNS, width);
	if (caption) out.push(line(plain ? "this interval's packets, newest first:" : 'the sampled packets, newest first (us in each stage):', { dim: true }));
	out.push(line(cells(pc, ['TIME', '', 'IFACE', 'LOCAL', 'REMOTE', 'STACK', 'QDISC', 'DRIVER', 'SOCKET']), { bold: true }));
	const packetAt = (i: number) => {
		const p: LatencyPacket = packets[i]!;
		const s = p.stages;
		return line(cells(pc, [clock(p.time), p.dir === 'send' ? 'tx' : 'rx', p.ifname, ...ends(p), p.paced ? 'paced' : usText(s.stack), usText(s.qdisc), usText(s.driver), usText(s.socket)]));
	};
	return { above: out, packets, packetAt, none: none('no packet timed yet') };
}

function latencyLines(view: Maybe<LatencyView> | undefined, props: TabProps<LatencyTabState>): Line[] {
	if (view && isUnavailable(view)) return unavailableLines('Latency', view.unavailable);
	const { above, packets, packetAt, none } = latencyParts(view, props);
	const left = props.plain ? Math.max(1, packets.length) : props.height - above.length;
	return [...above, ...scrolled(packets.length, left, packetAt, none, { what: 'packets', cursor: props.plain ? undefined : props.cursor, filter: props.filter, enter: 'its process', width: props.width })];
}

/** N halved or doubled, within 1 and MAX_EVERY; nothing before an interval showed N. */
const scaled = (state: LatencyTabState, by: 0.5 | 2): LatencyTabState => (state.every === undefined ? state : { ...state, every: Math.min(MAX_EVERY, Math.max(1, Math.floor(state.every * by))) });

export const latencyTab: Tab<LatencyView, LatencyTabState> = {
	title: 'Latency',
	short: 'Lat',
	sorts: ['p99', 'count', 'avg'],
	initial: {},
	keys: [
		{ key: '+', help: 'follow more packets (N / 2)', footer: () => '+/- 1/N', apply: (state) => scaled(state, 0.5), live: true },
		{ key: '-', help: 'follow fewer packets (N * 2)', footer: () => '', apply: (state) => scaled(state, 2), live: true },
	],
	// The N in force (the flag's), once an interval shows it: what + and - start from; and whether packets were seen cut (segmentationLines).
	next(state, view) {
		if (!view || isUnavailable(view) || view.state !== 'on') return state;
		const every = state.every ?? view.every;
		const segmented = state.segmented ?? (view.segmentation.length > 0 ? true : undefined);
		return every === state.every && segmented === state.segmented ? state : { ...state, every, ...(segmented ? { segmented } : {}) };
	},
	lines: latencyLines,
	list: (view, props): TabList => listOf(view.recent, () => pageRows(view.recent.length, props.height - latencyParts(view, props).above.length), eventKinds('packet')),
};
