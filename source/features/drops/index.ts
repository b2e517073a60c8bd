// The Drops feature: every packet the kernel drops, by the kernel's reason, where, and whose socket had it.
import { nullableText, ownedRowPiece, quoted } from '../../format/flow-piece.js';
import { jsonArray, unclosedObject, type Piece } from '../../format/json-piece.js';
import { rateText } from '../../format/numbers.js';
import { isoTime } from '../../format/time.js';
import { perSecond } from '../../model/counters.js';
import { netnsNameLabel } from '../../model/metrics.js';
import { unionMaps, joined } from '../../model/span.js';
import { isUnavailable, type RowNames } from '../../model/reading.js';
import { plainText } from '../../format/lines.js';
import { netnsNames } from '../../kernel/netns.js';
import type { Feature } from '../feature.js';
import { DropsCollector } from './collector.js';
import { DROPS_LAYOUTS } from './layouts.js';
import { dropsView, type DropEvent, type DropsSnapshot, type DropsView } from './model.js';
import { dropsTab } from './tab.js';

/** view.flows[from..to) as JSON, comma separated: each the flow and owner (flowJson's fields), the owner's cgroup, the socket's state, the reason and the count. */
function flowsJson(out: Piece, view: DropsView, from: number, to: number, names: RowNames): void {
	for (let i = from; i < to; i++) {
		const f = view.flows[i]!;
		out.ascii(i > from ? ',{' : '{');
		ownedRowPiece(out, f, names);
		out.ascii(',"state":');
		nullableText(out, f.state);
		out.ascii(',"reason":');
		out.bytes(quoted(f.reason));
		out.field(',"count":', f.count);
		out.ascii('}');
	}
}

/** events[from..to) as JSON, comma separated: time, reason, place, flow and owner, cgroup, the socket's state, whether a socket had it. Row by row, as the flows. */
function eventsJson(out: Piece, events: readonly DropEvent[], from: number, to: number, names: RowNames): void {
	for (let i = from; i < to; i++) {
		const e = events[i]!;
		out.ascii(i > from ? ',{"time":"' : '{"time":"');
		out.ascii(isoTime(e.time));
		out.ascii('","reason":');
		out.bytes(quoted(e.reason));
		out.ascii(',"location":');
		out.bytes(quoted(e.location));
		out.ascii(',"ifname":');
		out.bytes(quoted(e.ifname));
		out.ascii(',"protocol":');
		out.bytes(quoted(e.protocol));
		out.ascii(',');
		ownedRowPiece(out, e, names);
		out.ascii(',"state":');
		nullableText(out, e.state);
		out.ascii(e.socket ? ',"socket":true}' : ',"socket":false}');
	}
}

export const drops: Feature<'drops', DropsSnapshot, DropsView, undefined> = {
	key: 'drops',
	aliases: [],
	flags: [],
	layouts: DROPS_LAYOUTS,
	open: (context) => DropsCollector.open({ owners: context.owners, netnsNames: () => netnsNames(), netns: context.netns }),
	recorded: 1,
	retain: (snapshot) => snapshot,
	span: (snaps) => ({
		...snaps.at(-1)!,
		counts: unionMaps(snaps.map((s) => s.counts)),
		flows: unionMaps(snaps.map((s) => s.flows)),
		listen: unionMaps(snaps.map((s) => s.listen)),
		events: joined(snaps.map((s) => s.events)),
	}),
	interval: (prev, cur, filter, names, cgroups) => dropsView(prev, cur, filter, names, cgroups),
	// The flows row by row: a connection storm has thousands a second (teardown).
	*json(view, out, names) {
		const reasons = view.reasons.map((r) => ({ netns: r.netns, netns_name: r.netns_name, ifname: r.ifname, ifindex: r.ifindex, protocol: r.protocol, reason: r.reason, count: r.count, teardown: r.teardown }));
		out.text(`${unclosedObject({ drops: view.drops, teardown: view.teardown, reasons })},"flows":`);
		yield* jsonArray(out, view.flows.length, (from, to) => flowsJson(out, view, from, to, names));
		out.text(`,${unclosedObject({ listen: view.listen, events_sampled: view.eventsSampled, events_lost: view.eventsLost }).slice(1)},"events":`);
		yield* jsonArray(out, view.events.length, (from, to) => eventsJson(out, view.events, from, to, names));
		out.ascii('}');
	},
	text: (view, props) => (isUnavailable(view) ? [`drops unavailable: ${view.unavailable}`] : dropsTab.lines(view, { ...props, plain: true }).map(plainText)),
	// Per reason (the kernel's own names), namespace, interface and protocol.
	metrics(view, sink) {
		for (const r of view.reasons) {
			const labels = { netns: String(r.netns), device: r.ifname, protocol: r.protocol, reason: r.reason, ...netnsNameLabel(r.netns_name) };
			sink.count('nettop_drops_total', 'Packets the kernel freed as dropped (skb:kfree_skb), per reason, namespace, interface and protocol.', labels, r.count);
		}
	},
	summary(view, seconds) {
		if (!view) return { label: 'DROP', text: 'n/a' };
		const r = rateText(perSecond(view.drops, seconds));
		return { label: 'DROP', text: `${r}/s`, alert: view.drops > 0 };
	},
	figure: { label: 'DROP', width: 11, help: 'packets the kernel dropped a second (red when any)' },
	tab: dropsTab,
};
