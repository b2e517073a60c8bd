// Around every tab: the header, the top-style summary, the tab bar, the footer or filter prompt, and help.
import { isFiltering } from '../../model/filter.js';
import { human } from '../../model/format.js';
import { summarize } from '../../model/summary.js';
import { sortKey, TAB_TITLES, TABS, type UiState } from '../state.js';
import { line, type Line, type Segment } from './common.js';

const rate = (n: number | undefined) => (n === undefined ? 'n/a' : human(n));
/** RTT figures for the summary: whole numbers, one decimal below 10. */
const short = (n: number) => (n < 10 ? n.toFixed(1) : String(Math.round(n)));

export function filterText(state: UiState): string {
	const f = state.filter;
	const parts: string[] = [];
	if (f.pids.size) parts.push(`pid ${[...f.pids].join(',')}`);
	if (f.ports.size) parts.push(`port ${[...f.ports].join(',')}`);
	if (f.family) parts.push(`IPv${f.family}`);
	return parts.join(' ');
}

export function headerLine(state: UiState): Line {
	const time = state.cur ? new Date(state.cur.wall).toTimeString().slice(0, 8) : '--:--:--';
	const segments: Segment[] = [{ text: 'nettop', bold: true }, { text: `  ${time}  every ${(state.intervalMs / 1000).toFixed(state.intervalMs % 1000 ? 2 : 0)}s` }];
	if (state.paused) segments.push({ text: '  PAUSED', inverse: true });
	if (isFiltering(state.filter)) segments.push({ text: `  filter: ${filterText(state)}`, color: 'cyan' });
	const lost = Object.entries(state.sample?.lost ?? {});
	// Updates the kernel could not record (a map or ring was full): never hidden.
	if (lost.length > 0) segments.push({ text: `  LOST ${lost.map(([k, n]) => `${k} ${n}`).join(' ')}`, color: 'red', bold: true });
	return segments;
}

export function summaryLine(state: UiState): Line {
	if (!state.sample) return line('collecting the first interval...', { dim: true });
	const s = summarize(state.sample);
	const unit = s.rttUnit === 'msecs' ? 'ms' : 'us';
	const rtt = s.rttP50 === undefined ? 'n/a' : `p50 ${short(s.rttP50)} p99 ${short(s.rttP99!)}${unit}`;
	const rtx = s.retransSegs === undefined ? 'n/a' : `${s.retransSegs.toFixed(1)}seg/s`;
	return [
		{ text: 'B/s tx rx ', dim: true },
		{ text: 'NIC ', bold: true },
		{ text: `${rate(s.nicTx)} ${rate(s.nicRx)}  ` },
		{ text: 'TCP ', bold: true },
		{ text: `${rate(s.tcpTx)} ${rate(s.tcpRx)}  ` },
		{ text: 'RTT ', bold: true },
		{ text: `${rtt}  ` },
		{ text: 'RTX ', bold: true },
		{ text: rtx, color: s.retransSegs ? 'red' : undefined },
	];
}

export function tabsLine(state: UiState): Line {
	const segments: Segment[] = [];
	TABS.forEach((tab, i) => {
		segments.push({ text: ` ${i + 1} ${TAB_TITLES[tab]} `, inverse: tab === state.tab, bold: tab === state.tab });
		segments.push({ text: ' ' });
	});
	segments.push({ text: ` sort: ${sortKey(state)}`, dim: true });
	return segments;
}

export function footerLine(state: UiState): Line {
	if (state.prompt) {
		const what = state.prompt.kind === 'pid' ? 'PID' : 'port';
		const segments: Segment[] = [{ text: `filter by ${what} (comma separated, Enter done, Esc cancel): `, bold: true }, { text: `${state.prompt.text}_` }];
		if (state.prompt.error) segments.push({ text: `  ${state.prompt.error}`, color: 'red' });
		return segments;
	}
	const extra = state.tab === 'tcp' ? (state.connections ? '  c procs' : '  c conns') : state.tab === 'rtt' ? (state.byAddress ? '  a hist' : '  a addrs') : '';
	return line(`q quit  ? help  1-4 tabs  p pid  P port  Esc clear  s sort  spc pause${extra}`, { dim: true });
}

/** Eight rows: the boxed help table then fits the body of a 24-line terminal. */
const HELP: [string, string][] = [
	['1-4, Tab, S-Tab', 'NIC, tcptop, RTT, Retransmits; next, previous'],
	['p', 'filter by PID (comma separated, applied as typed)'],
	['P or /', 'filter by local or remote port'],
	['Esc', 'undo the prompt, or clear the filters'],
	['s', 'cycle the sort order of this tab'],
	['c / a', 'tcptop connections / RTT per remote address'],
	['space', 'pause the screen (counting goes on)'],
	['q, Ctrl-C', 'quit (? closes this help)'],
];

/** The help rows as data: the Help component lays them out. */
export function helpRows(): { key: string; action: string }[] {
	return HELP.map(([key, action]) => ({ key, action }));
}
