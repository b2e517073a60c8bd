// The Latency tab: per stage and interface the sampled packets' times, the flows that waited longest, and the packets themselves, newest first.
import { cells, layout, withContainer, withContainerCell, type Column } from '../../format/columns.js';
import { endpoint, line, scrolled, truncate, unavailableLines, type Line } from '../../format/lines.js';
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

function header(view: LatencyView | undefined, plain: boolean): Line[] {
	if (!view || view.state !== 'on') return [line(view?.state === 'off' ? 'latency: off' : 'latency: loading its programs...', { bold: true })];
	const { send, receive } = view.unmatched;
	// Unmatched: followed packets the hooks lost (segmented, freed on the way, never read): docs/latency.md.
	const lost = send + receive > 0 ? `  unmatched ${send} tx, ${receive} rx` : '';
	return [line(`latency: 1 in ${view.every}${plain ? '' : ' (+/- to change)'}  sampled ${view.sampled}  timed ${view.timed}${lost}`, { bold: true })];
}

function latencyLines(view: Maybe<LatencyView> | undefined, { sort, height, width, plain, cursor, currentNetns }: TabProps<LatencyTabState>): Line[] {
	if (view && isUnavailable(view)) return unavailableLines('Latency', view.unavailable);
	const out = header(view, plain === true);
	const sc = layout(STAGE_COLUMNS, width);
	// A device whose packets left on several queues: a dim row per queue under its own.
	const stageRows = (view?.stages ?? []).flatMap((r) => {
		const netns = r.netns === currentNetns ? '' : (r.netns_name ?? String(r.netns));
		const queues = (r.queues ?? []).map((q) => line(cells(sc, [r.stage, netns, `${r.ifname} q${q.queue}`, ...figures(q)]), { dim: true }));
		return [line(cells(sc, [r.stage, netns, r.ifname || '-', ...figures(r)])), ...queues];
	});
	const none = (text: string) => line(plain ? 'none' : text, { dim: true });
	const stageRoom = plain ? Math.max(1, stageRows.length) : Math.max(2, Math.min(stageRows.length || 1, Math.floor((height - 6) / 3)));
	out.push(line(cells(sc, ['STAGE', 'NETNS', 'IFACE', 'COUNT', 'AVG us', 'P50', 'P90', 'P99']), { bold: true }), ...truncate(stageRows.length ? stageRows : [none('no packet timed in this interval')], stageRoom, 'stages'));

	const flows = [...(view?.flows ?? [])].sort(SORTERS[sort]);
	const containerOf = (id: number) => view?.cgroupOf(id)?.container;
	const containers = flows.some((f) => containerOf(f.cgroupId) !== undefined);
	const fc = layout(withContainer(FLOW_COLUMNS, containers, 2), width);
	const flowRow = (f: LatencyFlowRow) => line(cells(fc, withContainerCell([f.pid ? String(f.pid) : '-', f.comm || '-', ...ends(f), f.stage, String(f.count), usText(f.p50), usText(f.p99)], containers, 2, containerOf(f.cgroupId))));
	const flowRoom = plain ? Math.max(1, flows.length) : Math.max(1, Math.min(flows.length || 1, 4));
	out.push(line(cells(fc, withContainerCell(['PID', 'COMM', 'LOCAL', 'REMOTE', 'STAGE', 'COUNT', 'P50 us', 'P99'], containers, 2, 'CONTAINER')), { bold: true }), ...truncate(flows.length ? flows.map(flowRow) : [none('no flow timed')], flowRoom, 'flows'));

	const pc = layout(PACKET_COLUMNS, width);
	const packets = (plain ? view?.packets : view?.recent) ?? [];
	out.push(line(plain ? "this interval's packets, newest first:" : 'the sampled packets, newest first (us in each stage):', { dim: true }));
	out.push(line(cells(pc, ['TIME', '', 'IFACE', 'LOCAL', 'REMOTE', 'STACK', 'QDISC', 'DRIVER', 'SOCKET']), { bold: true }));
	const packetLine = (i: number) => {
		const p: LatencyPacket = packets[i]!;
		const s = p.stages;
		return line(cells(pc, [clock(p.time), p.dir === 'send' ? 'tx' : 'rx', p.ifname, ...ends(p), p.paced ? 'paced' : usText(s.stack), usText(s.qdisc), usText(s.driver), usText(s.socket)]));
	};
	out.push(...scrolled(packets.length, plain ? Math.max(1, packets.length) : height - out.length, plain ? undefined : cursor, packetLine, none('no packet timed yet'), 'packets'));
	return out;
}

/** N halved or doubled, within 1 and MAX_EVERY; nothing before an interval showed N. */
const scaled = (state: LatencyTabState, by: 0.5 | 2): LatencyTabState => (state.every === undefined ? state : { every: Math.min(MAX_EVERY, Math.max(1, Math.floor(state.every * by))) });

export const latencyTab: Tab<LatencyView, LatencyTabState> = {
	title: 'Latency',
	short: 'Lat',
	sorts: ['p99', 'count', 'avg'],
	initial: {},
	keys: [
		{ key: '+', help: 'follow more packets (N / 2)', footer: () => '+/- 1/N', apply: (state) => scaled(state, 0.5) },
		{ key: '-', help: 'follow fewer packets (N * 2)', footer: () => '', apply: (state) => scaled(state, 2) },
	],
	// The N in force (the flag's), once an interval shows it: what + and - start from.
	next: (state, view) => (state.every !== undefined || !view || isUnavailable(view) || view.state !== 'on' ? state : { every: view.every }),
	lines: latencyLines,
	list: (view): TabList => ({ length: view.recent.length, owner: (i) => (view.recent[i]?.pid ? view.recent[i] : undefined) }),
};
