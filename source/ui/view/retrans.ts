// The Retransmits tab: per-flow counts, then the rolling list of recent events.
import type { RetransEvent } from '../../collectors/retrans.js';
import { isUnavailable } from '../../collectors/sources.js';
import { matches } from '../../model/filter.js';
import { retransView, type RetransFlow } from '../../model/retrans.js';
import type { UiState } from '../state.js';
import { sortKey } from '../state.js';
import { cells, endpoint, line, truncate, unavailableLines, visible, type Column, type Line } from './common.js';

const FLOW_COLUMNS: Column[] = [{ width: 7, right: true }, { width: 10 }, { width: 22 }, { width: 22 }, { width: 7, right: true }, { width: 6, right: true }];
const EVENT_COLUMNS: Column[] = [{ width: 8 }, { width: 7, right: true }, { width: 9 }, { width: 17 }, { width: 17 }, { width: 6 }, { width: 6 }, { width: 3, right: true }];

const STATES: Record<string, string> = {
	ESTABLISHED: 'ESTAB',
	SYN_SENT: 'SYNSNT',
	SYN_RECV: 'SYNRCV',
	FIN_WAIT1: 'FINW1',
	FIN_WAIT2: 'FINW2',
	TIME_WAIT: 'TIMEW',
	CLOSE_WAIT: 'CLOSEW',
	LAST_ACK: 'LASTAK',
	NEW_SYN_RECV: 'SYNRCV',
};

const SORTERS: Record<string, (a: RetransFlow, b: RetransFlow) => number> = {
	segs: (a, b) => b.segs - a.segs,
	count: (a, b) => b.count - a.count,
};

function eventLine(e: RetransEvent): Line {
	const time = new Date(e.time).toTimeString().slice(0, 8);
	return line(cells(EVENT_COLUMNS, [time, e.pid ? String(e.pid) : '-', e.comm, endpoint(e.laddr, e.lport), endpoint(e.raddr, e.rport), STATES[e.state] ?? e.state, e.kind, String(e.segs)]), {
		color: e.kind === 'synack' || e.kind === 'syn' ? 'yellow' : undefined,
	});
}

export function retransLines(state: UiState, height: number): Line[] {
	const sample = state.sample;
	if (sample && isUnavailable(sample.retrans)) return unavailableLines('Retransmits', sample.retrans.unavailable);
	const view = sample && !isUnavailable(sample.retrans) ? sample.retrans : undefined;
	const rate = view && sample!.interval > 0 ? ` (${(view.segs / sample!.interval).toFixed(1)} segs/s)` : '';
	const summary = line(`this interval: ${view?.count ?? 0} retransmits, ${view?.segs ?? 0} segments${rate}`, { bold: true });
	// Flows over the whole recent log, so a burst stays visible after its interval.
	const events = state.events.filter((e) => matches(state.filter, e));
	const flows = [...retransView(events, state.filter).flows].sort(SORTERS[sortKey(state, 'retrans')]);
	const flowHead = line(cells(FLOW_COLUMNS, ['PID', 'COMM', 'LOCAL', 'REMOTE', 'EVENTS', 'SEGS']), { bold: true });
	const flowRows = flows.map((f) => line(cells(FLOW_COLUMNS, [f.pid ? String(f.pid) : '-', f.comm, endpoint(f.laddr, f.lport), endpoint(f.raddr, f.rport), String(f.count), String(f.segs)])));
	const flowRoom = Math.max(2, Math.min(flowRows.length || 1, Math.floor((height - 4) / 3)));
	const eventHead = line(cells(EVENT_COLUMNS, ['TIME', 'PID', 'COMM', 'LOCAL', 'REMOTE', 'STATE', 'KIND', 'SEG']), { bold: true });
	const none = line('none recently', { dim: true });
	return [
		summary,
		flowHead,
		...truncate(flowRows.length ? flowRows : [none], flowRoom, 'flows'),
		eventHead,
		...visible(events, height - 3 - Math.min(flowRoom, Math.max(1, flowRows.length)), eventLine, none, 'events'),
	];
}
