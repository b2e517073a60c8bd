// The NIC feature: throughput per interface and queue, in every network namespace.
import { plainText } from '../../format/lines.js';
import { human } from '../../format/numbers.js';
import { perSecond } from '../../model/counters.js';
import { netnsNameLabel } from '../../model/metrics.js';
import { unionBy } from '../../model/span.js';
import type { Feature } from '../feature.js';
import { NicCollector } from './collector.js';
import { NIC_LAYOUTS } from './layouts.js';
import { nicDeltas, nicId, type NicDelta, type NicSnapshot } from './model.js';
import { nicTab, type NicTabState } from './tab.js';

const total = (rows: readonly NicDelta[], key: 'tx_bytes' | 'rx_bytes') => rows.reduce((n, r) => n + r[key], 0);

export const nic: Feature<'nic', NicSnapshot, readonly NicDelta[], NicTabState> = {
	key: 'nic',
	aliases: [],
	flags: [],
	layouts: NIC_LAYOUTS,
	open: (context) => NicCollector.open(context.netns),
	recorded: 1,
	retain: (snapshot) => snapshot,
	span: (snaps) => ({ ...snaps.at(-1)!, counters: unionBy(snaps.map((s) => s.counters), nicId) }),
	interval: (prev, cur, _filter, names) => nicDeltas(prev?.counters ?? [], cur.counters, names),
	*json(view, out) {
		out.text(JSON.stringify(view));
	},
	text: (view, props) => nicTab.lines(view, props).map(plainText),
	// Per namespace, interface and queue, as node_exporter names an interface's counters.
	metrics(view, sink) {
		for (const r of view) {
			const labels = { netns: String(r.netns), device: r.ifname, queue: String(r.queue), ...netnsNameLabel(r.netns_name) };
			sink.count('nettop_network_transmit_bytes_total', 'Bytes sent, per network namespace, interface and queue (net_dev_start_xmit).', labels, r.tx_bytes);
			sink.count('nettop_network_receive_bytes_total', 'Bytes received, per network namespace, interface and queue (netif_receive_skb).', labels, r.rx_bytes);
			sink.count('nettop_network_transmit_packets_total', 'Packets sent, per network namespace, interface and queue.', labels, r.tx_packets);
			sink.count('nettop_network_receive_packets_total', 'Packets received, per network namespace, interface and queue.', labels, r.rx_packets);
		}
	},
	summary: (view, seconds) => ({ label: 'NIC', text: view ? `${human(perSecond(total(view, 'tx_bytes'), seconds))} ${human(perSecond(total(view, 'rx_bytes'), seconds))}` : 'n/a n/a' }),
	figure: { label: 'NIC', width: 15, help: 'bytes a second sent and received by every interface, all namespaces' },
	tab: nicTab,
};
