// The NIC feature: throughput per interface and queue, in every network namespace.
import { plainText } from '../../format/lines.js';
import { human } from '../../format/numbers.js';
import { perSecond } from '../../model/counters.js';
import type { Feature } from '../feature.js';
import { NicCollector } from './collector.js';
import { NIC_LAYOUTS } from './layouts.js';
import { nicDeltas, type NicDelta, type NicSnapshot } from './model.js';
import { nicTab, type NicTabState } from './tab.js';

const total = (rows: readonly NicDelta[], key: 'tx_bytes' | 'rx_bytes') => rows.reduce((n, r) => n + r[key], 0);

export const nic: Feature<'nic', NicSnapshot, readonly NicDelta[], NicTabState> = {
	key: 'nic',
	aliases: [],
	flags: [],
	layouts: NIC_LAYOUTS,
	open: () => NicCollector.open(),
	retain: (snapshot) => snapshot,
	interval: (prev, cur, _filter, names) => nicDeltas(prev?.counters ?? [], cur.counters, names),
	*json(view, out) {
		out.text(JSON.stringify(view));
	},
	text: (view, props) => nicTab.lines(view, props).map(plainText),
	summary: (view, seconds) => ({ label: 'NIC', text: view ? `${human(perSecond(total(view, 'tx_bytes'), seconds))} ${human(perSecond(total(view, 'rx_bytes'), seconds))}` : 'n/a n/a' }),
	tab: nicTab,
};
