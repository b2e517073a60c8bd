// The Latency feature: where inside the host packets wait (stack, qdisc, driver, socket), from sampled packets, its programs attached only while wanted.
import { plainText } from '../../format/lines.js';
import { numberList, UsageError } from '../../model/filter.js';
import { isUnavailable } from '../../model/reading.js';
import type { Feature } from '../feature.js';
import { DEFAULT_EVERY, LatencyCollector, MAX_EVERY, type LatencyTabState } from './collector.js';
import { LATENCY_LAYOUTS } from './layouts.js';
import { latencyJson, latencyView, type LatencySnapshot, type LatencyView } from './model.js';
import { latencyTab, usText } from './tab.js';

function parseEvery(value: string | boolean | undefined): number {
	if (value === undefined) return DEFAULT_EVERY;
	if (typeof value !== 'string' || value.includes(',')) throw new UsageError(`--latency-sample takes one number, 1 to ${MAX_EVERY}`);
	return [...numberList(value, '--latency-sample', 'a number of packets', 1, MAX_EVERY)][0]!;
}

/** log2 slots of µs, 1 µs to 2^27 µs (134 s): the same bounds every interval. */
const METRIC_SLOTS = Array.from({ length: 27 }, (_, i) => i);

export const latency: Feature<'latency', LatencySnapshot, LatencyView, LatencyTabState> = {
	key: 'latency',
	aliases: ['lat', 'delay'],
	flags: [
		{ name: 'latency', type: 'boolean', usage: 'Latency: time packets by layer (else only on its tab)', parse: (v) => v === true },
		{ name: 'latencySample', type: 'string', arg: 'N', usage: `Latency: follow 1 packet in N (${DEFAULT_EVERY})`, parse: parseEvery },
	],
	layouts: LATENCY_LAYOUTS,
	open: (context) => LatencyCollector.open(context.owners, context.settings.latency === true, (context.settings.latencySample as number | undefined) ?? DEFAULT_EVERY),
	retain: (snapshot) => snapshot,
	interval: (prev, cur, filter, names, cgroups) => latencyView(prev, cur, filter, names, cgroups),
	*json(view, out) {
		out.text(JSON.stringify(latencyJson(view)));
	},
	text: (view, props) => (isUnavailable(view) ? [`latency unavailable: ${view.unavailable}`] : latencyTab.lines(view, { ...props, plain: true }).map(plainText)),
	// Per stage, namespace and interface: the sampled packets' times, in seconds, in the tab's log2 slots.
	metrics(view, sink) {
		for (const r of view.stages) {
			const counts = new Map(r.buckets.map((b) => [b.lo, b.count]));
			const buckets = METRIC_SLOTS.map((i) => [2 ** (i + 1) / 1e6, counts.get(i === 0 ? 0 : 2 ** i) ?? 0] as const);
			const labels = { stage: r.stage, netns: String(r.netns), device: r.ifname };
			sink.observe('nettop_latency_seconds', 'Time sampled packets spent in a layer of the stack (1 packet in N: --latency-sample), per namespace and interface.', labels, buckets, r.sum / 1e6);
		}
	},
	summary(view) {
		if (view?.state === 'off') return undefined;
		if (!view || view.state !== 'on') return { label: 'LAT', text: view ? '...' : 'n/a' };
		const worst = view.stages.reduce<{ stage: string; p99: number } | undefined>((w, r) => (!w || r.p99 > w.p99 ? r : w), undefined);
		return { label: 'LAT', text: worst ? `${worst.stage} p99 ${usText(worst.p99)}us` : '-', short: worst ? `${usText(worst.p99)}us` : '-' };
	},
	figure: { label: 'LAT', width: 22, shortWidth: 11, help: 'while Latency runs: the slowest stage and its p99 wait (narrow: the p99)' },
	tab: latencyTab,
};
