// One process's connections, as Enter on a row shows them: bytes from tcptop, RTT from the RTT tab, retransmits from Retransmits, joined per connection.
import { cells, layout, type Column } from '../format/columns.js';
import { endpoint, line, pageRows, scrolled, type Cursor, type Line } from '../format/lines.js';
import { listOf } from '../format/rows.js';
import { human } from '../format/numbers.js';
import type { Owner, TabList } from '../features/feature.js';
import type { Sample } from '../features/index.js';
import type { FlowId } from '../model/flow.js';
import { perSecond } from '../model/counters.js';
import { isUnavailable } from '../model/reading.js';

/** One connection of the process, with what each feature knows of it in the interval shown. */
export interface DrillRow extends FlowId {
	tx_bytes: number;
	rx_bytes: number;
	rtt?: { p50: number; p99: number; count: number };
	/** Retransmitted segments over the recent events. */
	retrans: number;
}

/** A connection's identity: its ends in its namespace (the rows are one process's). */
const flowKey = (f: FlowId) => `${f.netns}|${f.laddr}|${f.lport}|${f.raddr}|${f.rport}`;

/** The process's connections that any feature saw: busiest first, then by RTT samples. */
export function drillRows(sample: Sample | undefined, owner: Owner): DrillRow[] {
	const rows = new Map<string, DrillRow>();
	const rowOf = (f: FlowId): DrillRow => {
		const key = flowKey(f);
		let r = rows.get(key);
		if (!r) rows.set(key, (r = { netns: f.netns, family: f.family, laddr: f.laddr, lport: f.lport, raddr: f.raddr, rport: f.rport, tx_bytes: 0, rx_bytes: 0, retrans: 0 }));
		return r;
	};
	if (!sample) return [];
	const { tcp, rtt, retrans } = sample;
	if (!isUnavailable(tcp)) {
		for (let i = 0; i < tcp.length; i++) {
			if (tcp.flows[i]!.pid !== owner.pid) continue;
			const r = rowOf(tcp.flows[i]!);
			r.tx_bytes += tcp.tx[i]!;
			r.rx_bytes += tcp.rx[i]!;
		}
	}
	if (!isUnavailable(rtt)) for (const f of rtt.flows) if (f.pid === owner.pid) rowOf(f).rtt = { p50: f.p50, p99: f.p99, count: f.count };
	if (!isUnavailable(retrans)) for (const f of retrans.recentFlows) if (f.pid === owner.pid) rowOf(f).retrans += f.segs;
	return [...rows.values()].sort((a, b) => b.tx_bytes + b.rx_bytes - (a.tx_bytes + a.rx_bytes) || (b.rtt?.count ?? 0) - (a.rtt?.count ?? 0));
}

/** What the process's recent connection events say, in a line: opens, closes, failures by reason, RSTs; undefined when there are none. */
export function drillConnEvents(sample: Sample | undefined, owner: Owner): string | undefined {
	if (!sample || isUnavailable(sample.conns)) return undefined;
	let [opened, closed, resets] = [0, 0, 0];
	const reasons = new Map<string, number>();
	for (const e of sample.conns.recent) {
		if (e.pid !== owner.pid) continue;
		if (e.type === 'connect' || e.type === 'accept') opened++;
		else if (e.type === 'close') closed++;
		else if (e.type === 'fail') reasons.set(e.reason ?? '?', (reasons.get(e.reason ?? '?') ?? 0) + 1);
		else resets++;
	}
	const failed = [...reasons.values()].reduce((a, b) => a + b, 0);
	if (opened + closed + failed + resets === 0) return undefined;
	const why = failed ? ` (${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ')})` : '';
	return `recent connection events: ${opened} opened, ${closed} closed, ${failed} failed${why}, ${resets} RSTs`;
}

const COLUMNS: Column[] = [
	{ width: 22, min: 13, max: 47, middle: true, drop: 1 },
	{ width: 22, min: 13, max: 47, middle: true },
	{ width: 6, right: true },
	{ width: 6, right: true },
	{ width: 7, right: true },
	{ width: 7, right: true },
	{ width: 4, right: true },
];

export interface DrillProps {
	readonly width: number;
	readonly height: number;
	readonly seconds: number;
	readonly cursor?: Cursor;
}

/** The lines above the connections: the process, its connection events in a line when it had any. */
function topLines(sample: Sample | undefined, owner: Owner, rows: readonly DrillRow[]): Line[] {
	const title = line(`process ${owner.pid} ${owner.comm}: ${rows.length} connection${rows.length === 1 ? '' : 's'} (Esc back)`, { bold: true });
	const events = drillConnEvents(sample, owner);
	return events === undefined ? [title] : [title, line(events, { dim: true })];
}

/** The lines the connections have: the body less the lines above them and the column header. */
const roomOf = (top: readonly Line[], height: number) => height - top.length - 1;

export function drillLines(sample: Sample | undefined, owner: Owner, { width, height, seconds, cursor }: DrillProps): Line[] {
	const rows = drillRows(sample, owner);
	const unit = sample && !isUnavailable(sample.rtt) && sample.rtt.unit === 'msecs' ? 'ms' : 'us';
	const placed = layout(COLUMNS, width);
	const header = line(cells(placed, ['LOCAL', 'REMOTE', 'TX/s', 'RX/s', `P50${unit}`, `P99${unit}`, 'RTX']), { bold: true });
	const format = (i: number) => {
		const r = rows[i]!;
		const rtt = r.rtt ? [String(r.rtt.p50), String(r.rtt.p99)] : ['-', '-'];
		return line(cells(placed, [endpoint(r.laddr, r.lport), endpoint(r.raddr, r.rport), human(perSecond(r.tx_bytes, seconds)), human(perSecond(r.rx_bytes, seconds)), ...rtt, String(r.retrans)]));
	};
	const none = line('no connection of this process moved in this interval', { dim: true });
	const top = topLines(sample, owner, rows);
	return [...top, header, ...scrolled(rows.length, roomOf(top, height), format, none, { what: 'connections', cursor, width })];
}

/** The process's connections as Up and Down move through them, at a body of `height` lines. */
export function drillList(sample: Sample | undefined, owner: Owner, height: number): TabList {
	const rows = drillRows(sample, owner);
	const room = roomOf(topLines(sample, owner, rows), height);
	return listOf(rows, () => pageRows(rows.length, room), { id: flowKey, name: (r) => `connection ${endpoint(r.laddr, r.lport)} > ${endpoint(r.raddr, r.rport)}` });
}
