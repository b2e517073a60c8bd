// The Drops feature: every packet the kernel drops, by the kernel's reason, where, and whose socket had it.
import { jsonArray, unclosedObject, type Piece } from '../../format/json-piece.js';
import { rateText } from '../../format/numbers.js';
import { perSecond } from '../../model/counters.js';
import { isUnavailable } from '../../model/reading.js';
import { plainText } from '../../format/lines.js';
import { netnsNames } from '../../kernel/netns.js';
import type { Feature } from '../feature.js';
import { DropsCollector } from './collector.js';
import { DROPS_LAYOUTS } from './layouts.js';
import { dropsView, type DropsSnapshot, type DropsView } from './model.js';
import { dropsTab } from './tab.js';

/** view.flows[from..to) as JSON, comma separated: the fields of toJSON's rows, in its order. */
function flowsJson(out: Piece, view: DropsView, from: number, to: number): void {
	for (let i = from; i < to; i++) {
		const f = view.flows[i]!;
		out.ascii(i > from ? ',{"pid":' : '{"pid":');
		out.number(f.pid);
		out.text(`,"comm":${JSON.stringify(f.comm)},"netns":`);
		out.number(f.netns);
		out.field(',"family":', f.family);
		out.text(`,"laddr":${JSON.stringify(f.laddr)},"lport":`);
		out.number(f.lport);
		out.text(`,"raddr":${JSON.stringify(f.raddr)},"rport":`);
		out.number(f.rport);
		out.ascii(',');
		out.bytes(view.cgroupJson(f.cgroupId));
		out.text(`,"state":${JSON.stringify(f.state)},"reason":${JSON.stringify(f.reason)},"count":`);
		out.number(f.count);
		out.ascii('}');
	}
}

export const drops: Feature<'drops', DropsSnapshot, DropsView, undefined> = {
	key: 'drops',
	aliases: [],
	flags: [],
	layouts: DROPS_LAYOUTS,
	open: (context) => DropsCollector.open({ owners: context.owners, netnsNames: () => netnsNames(), netns: context.netns }),
	retain: (snapshot) => snapshot,
	interval: (prev, cur, filter, names, cgroups) => dropsView(prev, cur, filter, names, cgroups),
	// As JSON.stringify(view) writes it, byte for byte, but the flows row by row: a connection storm has thousands a second (teardown).
	*json(view, out) {
		const { before, after } = view.jsonAround();
		out.text(`${unclosedObject(before)},"flows":`);
		yield* jsonArray(out, view.flows.length, (from, to) => flowsJson(out, view, from, to));
		out.text(`,${JSON.stringify(after).slice(1)}`);
	},
	text: (view, props) => (isUnavailable(view) ? [`drops unavailable: ${view.unavailable}`] : dropsTab.lines(view, { ...props, plain: true }).map(plainText)),
	// Per reason (the kernel's own names), namespace, interface and protocol.
	metrics(view, sink) {
		for (const r of view.reasons) {
			const labels = { netns: String(r.netns), device: r.ifname, protocol: r.protocol, reason: r.reason };
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
