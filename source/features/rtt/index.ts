// The RTT feature: log2 histograms of smoothed RTT, overall, per remote address and per flow.
import { bucketsJson, figureKeys, figuresJson, FlowJsonCache, jsonArray, ownerJson, unclosedObject, type Piece, type TimeUnit } from '../../format/json-piece.js';
import { UNKNOWN_CGROUP_JSON } from '../../model/cgroup.js';
import { isUnavailable } from '../../model/reading.js';
import type { Feature } from '../feature.js';
import { RttCollector } from './collector.js';
import { RTT_LAYOUTS } from './layouts.js';
import { rttView, type RttView } from './model.js';
import { retainRtt, RTT_SLOTS, spanRtt, type RttSnapshot } from './snapshot.js';
import { plainText } from '../../format/lines.js';
import { rttTab, type RttMode, type RttTabState } from './tab.js';

const flowTexts = new FlowJsonCache();

/** RttView.flows[from..to) as JSON, without the brackets: each the flow and owner (flowJson), figuresJson's fields, the owner's cgroup. */
function flowsJson(out: Piece, rtt: RttView, from: number, to: number, netnsNames: ReadonlyMap<number, string>): void {
	const [sum, avg, p50, p90, p99] = figureKeys(unitOf(rtt));
	let first = true;
	rtt.eachFlowBetween(from, to, (f, x) => {
		if (!first) out.ascii(',');
		first = false;
		out.bytes(flowTexts.get(f, netnsNames));
		out.field('"count":', x.count);
		out.field(sum!, x.sum);
		out.field(avg!, x.avg);
		out.field(p50!, x.p50);
		out.field(p90!, x.p90);
		out.field(p99!, x.p99);
		out.ascii(',');
		out.bytes(rtt.cgroupOf(f)?.jsonBytes ?? UNKNOWN_CGROUP_JSON);
		out.ascii('}');
	});
}

/** The unit of the view's times (--ms), as JSON names them. */
const unitOf = (view: RttView): TimeUnit => (view.unit === 'msecs' ? 'ms' : 'us');

/** The view as JSON but its flows: the whole, per remote address and per process, times named with their unit. */
function rttJson(view: RttView): object {
	const unit = unitOf(view);
	return {
		...figuresJson(view, unit),
		loopback_count: view.loopback_count,
		buckets: bucketsJson(view.buckets, unit),
		by_raddr: view.by_raddr.map((a) => ({ raddr: a.raddr, netns: a.netns, netns_name: a.netns_name, ...figuresJson(a, unit), buckets: bucketsJson(a.buckets, unit) })),
		by_process: view.by_process.map((p) => ({ ...ownerJson(p.pid, p.comm), connections: p.connections, ...figuresJson(p, unit), buckets: bucketsJson(p.buckets, unit), cgroup: p.cgroup, container: p.container })),
	};
}

/** RTT figures for the summary: whole numbers, one decimal below 10. */
const short = (n: number) => (n < 10 ? n.toFixed(1) : String(Math.round(n)));

export const rtt: Feature<'rtt', RttSnapshot, RttView, RttTabState> = {
	key: 'rtt',
	aliases: [],
	flags: [{ name: 'ms', type: 'boolean', usage: 'RTT histograms in milliseconds (default microseconds)', parse: (value) => value === true }],
	layouts: RTT_LAYOUTS,
	open: (context) => RttCollector.open({ ms: context.settings.ms === true, owners: context.owners }),
	recorded: 1,
	retain: retainRtt,
	span: spanRtt,
	interval: (prev, cur, filter, names, cgroups) => rttView(prev, cur, filter, cur.unit, names, cgroups),
	*json(view, out, names) {
		out.text(`${unclosedObject(rttJson(view))},"flows":`);
		flowTexts.reserve(view.flowCount);
		yield* jsonArray(out, view.flowCount, (from, to) => flowsJson(out, view, from, to, names.netns));
		out.text('}');
	},
	// The histogram, then per process and per connection with owners and peers, as the tab shows them.
	text: (view, props) => {
		if (isUnavailable(view)) return [`RTT unavailable: ${view.unavailable}`];
		const as = (mode: RttMode) => rttTab.lines(view, { ...props, state: { mode } }).map(plainText);
		return [`RTT ${as('hist')[0]}`, ...as('hist').slice(1), '', ...as('proc').slice(1), '', ...as('conn').slice(1)];
	},
	// The log2 slots as buckets, in seconds: a value in slot i is at most its hi.
	metrics(view, sink) {
		const perSecond = view.unit === 'msecs' ? 1e3 : 1e6;
		const counts = new Map(view.buckets.map((b) => [b.hi, b.count]));
		const bounds = Array.from({ length: RTT_SLOTS }, (_, i) => (i === 0 ? 1 : 2 ** (i + 1) - 1));
		const buckets = bounds.map((hi) => [hi / perSecond, counts.get(hi) ?? 0] as const);
		sink.observe('nettop_tcp_srtt_seconds', 'Smoothed round-trip time of TCP connections, each sample (tcp_probe).', {}, buckets, view.sum / perSecond);
	},
	summary(view) {
		if (!view || view.count === 0) return { label: 'RTT', text: 'n/a' };
		const unit = view.unit === 'msecs' ? 'ms' : 'us';
		return { label: 'RTT', text: `p50 ${short(view.p50)} p99 ${short(view.p99)}${unit}`, short: `${short(view.p50)}/${short(view.p99)}${unit}` };
	},
	figure: { label: 'RTT', width: 24, shortWidth: 16, help: 'p50 and p99 of TCP\'s smoothed round-trip times, us (ms with --ms); narrow: p50/p99' },
	tab: rttTab,
};
