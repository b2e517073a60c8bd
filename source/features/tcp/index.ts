// The tcptop feature: bytes per process and connection, exact, from the socket layer.
import { FlowJsonCache, jsonArray, type Piece } from '../../format/json-piece.js';
import { plainText } from '../../format/lines.js';
import { human } from '../../format/numbers.js';
import { perSecond } from '../../model/counters.js';
import type { Feature } from '../feature.js';
import { TcpCollector } from './collector.js';
import { TCP_LAYOUTS } from './layouts.js';
import { retainTcp, tcpRows, type TcpRows, type TcpSnapshot } from './model.js';
import { tcpTab, type TcpTabState } from './tab.js';

const flowTexts = new FlowJsonCache();

/** Rows from..to of TcpRows.records() as JSON, without the brackets: as JSON.stringify writes them, byte for byte. */
function rowsJson(out: Piece, tcp: TcpRows, from: number, to: number): void {
	const order = tcp.order();
	for (let k = from; k < to; k++) {
		const i = order[k]!;
		if (k > from) out.ascii(',');
		out.bytes(flowTexts.get(tcp.flows[i]!));
		out.field('"tx_bytes":', tcp.tx[i]!);
		out.field(',"rx_bytes":', tcp.rx[i]!);
		out.ascii('}');
	}
}

export const tcp: Feature<'tcp', TcpSnapshot, TcpRows, TcpTabState> = {
	key: 'tcp',
	aliases: ['tcptop'],
	flags: [],
	layouts: TCP_LAYOUTS,
	open: (context) => TcpCollector.open(context.owners),
	retain: retainTcp,
	interval: tcpRows,
	json(view, out) {
		flowTexts.reserve(view.length);
		return jsonArray(out, view.length, (from, to) => rowsJson(out, view, from, to));
	},
	text: (view, props) => tcpTab.lines(view, props).map(plainText),
	summary: (view, seconds) => ({ label: 'TCP', text: view ? `${human(perSecond(view.sum('tx'), seconds))} ${human(perSecond(view.sum('rx'), seconds))}` : 'n/a n/a' }),
	tab: tcpTab,
};
