// The Drops feature: every packet the kernel drops, by the kernel's reason, where, and whose socket had it.
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


export const drops: Feature<'drops', DropsSnapshot, DropsView, undefined> = {
	key: 'drops',
	aliases: [],
	flags: [],
	layouts: DROPS_LAYOUTS,
	open: (context) => DropsCollector.open({ owners: context.owners, netnsNames: () => netnsNames() }),
	retain: (snapshot) => snapshot,
	interval: (prev, cur, filter, names, cgroups) => dropsView(prev, cur, filter, names, cgroups),
	*json(view, out) {
		out.text(JSON.stringify(view));
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
	tab: dropsTab,
};
