// The Retransmits feature: every retransmitted segment with the process that owns the socket.
import { flowJson } from '../../format/json-piece.js';
import { isoTime } from '../../format/time.js';
import { cgroupFields } from '../../model/cgroup.js';
import { perSecond } from '../../model/counters.js';
import { netnsNameLabel } from '../../model/metrics.js';
import { joined } from '../../model/span.js';
import { isUnavailable, type RowNames } from '../../model/reading.js';
import { plainText } from '../../format/lines.js';
import type { Feature } from '../feature.js';
import { RetransCollector } from './collector.js';
import { RETRANS_LAYOUTS } from './layouts.js';
import { retransView, type RetransSnapshot, type RetransView } from './model.js';
import { retransTab } from './tab.js';

/** The interval's count, segments, events and per-flow counts; each row its flow and owner (flowJson), then its own fields and the owner's cgroup. */
function retransJson(view: RetransView, names: RowNames): object {
	return {
		count: view.count,
		segs: view.segs,
		events: view.events.map((e) => ({ time: isoTime(e.time), ...flowJson(e, names.netns), state: e.state, segs: e.segs, kind: e.kind, ...cgroupFields(names.cgroups, e.cgroupId) })),
		flows: view.flows.map((f) => ({ ...flowJson(f, names.netns), count: f.count, segs: f.segs, ...cgroupFields(names.cgroups, f.cgroupId) })),
	};
}

export const retrans: Feature<'retrans', RetransSnapshot, RetransView, undefined> = {
	key: 'retrans',
	aliases: [],
	flags: [],
	layouts: RETRANS_LAYOUTS,
	open: (context) => RetransCollector.open(context.owners),
	recorded: 1,
	retain: (snapshot) => snapshot,
	span: (snaps) => ({ ...snaps.at(-1)!, events: joined(snaps.map((s) => s.events)) }),
	interval: (_prev, cur, filter, _names, cgroups) => retransView(cur, filter, cgroups),
	*json(view, out, names) {
		out.text(JSON.stringify(retransJson(view, names)));
	},
	// The tab's lines: the interval, per flow and the recent events, with owners and peers.
	text: (view, props) => (isUnavailable(view) ? [`retransmits unavailable: ${view.unavailable}`] : retransTab.lines(view, props).map(plainText)),
	// Per namespace and kind; per namespace the segments add up as TcpRetransSegs does.
	metrics(view, sink, names) {
		for (const e of view.events) {
			const labels = { netns: String(e.netns), kind: e.kind, ...netnsNameLabel(names.netns.get(e.netns)) };
			sink.count('nettop_tcp_retransmit_segments_total', 'TCP segments retransmitted (TcpRetransSegs), per namespace and kind.', labels, e.segs);
			sink.count('nettop_tcp_retransmits_total', 'TCP retransmissions (tcp_retransmit_skb), per namespace and kind.', labels, 1);
		}
	},
	summary(view, seconds) {
		if (!view) return { label: 'RTX', text: 'n/a' };
		const rate = perSecond(view.segs, seconds);
		return { label: 'RTX', text: `${rate.toFixed(1)}seg/s`, alert: rate > 0 };
	},
	figure: { label: 'RTX', width: 14, help: 'TCP segments retransmitted a second (red when any)' },
	tab: retransTab,
};
