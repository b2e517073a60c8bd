// The Retransmits tab: per-flow counts, then the rolling list of recent events.
import { isUnavailable, type Maybe } from '../../model/reading.js';
import { cells, endpoint, line, truncate, unavailableLines, visible, type Column, type Line } from '../../format/lines.js';
import type { Tab, TabProps } from '../feature.js';
import type { RetransEvent, RetransFlow, RetransView } from './model.js';

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

function retransLines(view: Maybe<RetransView> | undefined, { sort, seconds, height }: TabProps<undefined>): Line[] {
	if (view && isUnavailable(view)) return unavailableLines('Retransmits', view.unavailable);
	const rate = view && seconds > 0 ? ` (${(view.segs / seconds).toFixed(1)} segs/s)` : '';
	const summary = line(`this interval: ${view?.count ?? 0} retransmits, ${view?.segs ?? 0} segments${rate}`, { bold: true });
	// Flows over the whole recent list, so a burst stays visible after its interval.
	const events = view?.recent ?? [];
	const flows = [...(view?.recentFlows ?? [])].sort(SORTERS[sort]);
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

export const retransTab: Tab<RetransView, undefined> = {
	title: 'Retransmits',
	sorts: ['segs', 'count'],
	initial: undefined,
	keys: [],
	lines: retransLines,
};
