// The traffic feature (tcptop): bytes per process, TCP connection and UDP socket, exact, from the socket layer.
import { FlowJsonCache, jsonArray, type Piece } from '../../format/json-piece.js';
import { plainText } from '../../format/lines.js';
import { human } from '../../format/numbers.js';
import { UNKNOWN_CGROUP_JSON } from '../../model/cgroup.js';
import { perSecond } from '../../model/counters.js';
import type { RowNames } from '../../model/reading.js';
import type { Feature } from '../feature.js';
import { TcpCollector } from './collector.js';
import { TCP_LAYOUTS } from './layouts.js';
import { retainTcp, spanTcp, tcpRows, type TcpRows, type TcpSnapshot } from './model.js';
import { tcpTab, type TcpTabState } from './tab.js';

const flowTexts = new FlowJsonCache();

/** Rows from..to, busiest first, as JSON without the brackets: each the flow and owner (flowJson), its bytes, its owner's cgroup. */
function rowsJson(out: Piece, tcp: TcpRows, from: number, to: number, netnsNames: ReadonlyMap<number, string>): void {
	const order = tcp.order();
	for (let k = from; k < to; k++) {
		const i = order[k]!;
		if (k > from) out.ascii(',');
		out.bytes(flowTexts.get(tcp.flows[i]!, netnsNames));
		out.field('"tx_bytes":', tcp.tx[i]!);
		out.field(',"rx_bytes":', tcp.rx[i]!);
		out.ascii(',');
		out.bytes(tcp.groups[i]?.jsonBytes ?? UNKNOWN_CGROUP_JSON);
		out.ascii('}');
	}
}

function protoJson(rows: TcpRows, out: Piece, names: RowNames): Iterable<Uint8Array> {
	flowTexts.reserve(rows.length);
	return jsonArray(out, rows.length, (from, to) => rowsJson(out, rows, from, to, names.netns));
}

export const tcp: Feature<'tcp', TcpSnapshot, TcpRows, TcpTabState> = {
	key: 'tcp',
	aliases: ['tcptop', 'traffic', 'udp'],
	flags: [],
	layouts: TCP_LAYOUTS,
	open: (context) => TcpCollector.open(context.owners),
	recorded: 1,
	retain: retainTcp,
	span: spanTcp,
	interval: tcpRows,
	// JSON keys tcp and udp: rows of the same shape, one per protocol.
	json: (view, out, names) => protoJson(view.only('tcp'), out, names),
	moreJson: [{ key: 'udp', json: (view, out, names) => protoJson(view.only('udp'), out, names) }],
	text: (view, props) => tcpTab.lines(view, props).map(plainText),
	// Per command and cgroup (a pid label would make a series per process ever seen).
	metrics(view, sink) {
		for (let i = 0; i < view.length; i++) {
			const f = view.flows[i]!;
			const g = view.groups[i];
			const labels = { ...(sink.pidLabel ? { pid: String(f.pid) } : {}), comm: f.comm, cgroup: g?.path ?? '', container: g?.container ?? '' };
			sink.count(`nettop_${f.proto}_transmit_bytes_total`, `Bytes processes sent over ${f.proto.toUpperCase()} sockets, per command and cgroup.`, labels, view.tx[i]!);
			sink.count(`nettop_${f.proto}_receive_bytes_total`, `Bytes processes received over ${f.proto.toUpperCase()} sockets, per command and cgroup.`, labels, view.rx[i]!);
		}
	},
	// Both protocols' bytes; the label says UDP is in them once some moved.
	summary: (view, seconds) => ({
		label: view?.flows.some((f) => f.proto === 'udp') ? 'TCP+UDP' : 'TCP',
		text: view ? `${human(perSecond(view.sum('tx'), seconds))} ${human(perSecond(view.sum('rx'), seconds))}` : 'n/a n/a',
	}),
	figure: { label: 'TCP', width: 19, help: 'bytes a second processes sent and received over TCP (TCP+UDP: UDP too, once some moved)' },
	tab: tcpTab,
};
