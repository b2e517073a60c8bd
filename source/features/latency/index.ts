// The Latency feature: where inside the host packets wait (stack, qdisc, driver, socket), from sampled packets, its programs attached only while wanted.
import { bucketsJson, figuresJson, flowJson } from '../../format/json-piece.js';
import { plainText } from '../../format/lines.js';
import { isoTime } from '../../format/time.js';
import { cgroupFieldsOf } from '../../model/cgroup.js';
import { UsageError } from '../../model/filter.js';
import { netnsNameLabel } from '../../model/metrics.js';
import { joined } from '../../model/span.js';
import { isUnavailable, type RowNames } from '../../model/reading.js';
import type { Feature } from '../feature.js';
import { DEFAULT_EVERY, LatencyCollector, MAX_EVERY, type LatencyTabState } from './collector.js';
import { LATENCY_LAYOUTS } from './layouts.js';
import { latencyView, type LatencyFlowRow, type LatencyPacket, type LatencySnapshot, type LatencyView, type StageRow } from './model.js';
import { latencyTab, usText } from './tab.js';

/** --latency-sample: one whole number, N of 1 packet in N. */
function parseEvery(value: string | boolean | undefined): number {
	if (value === undefined) return DEFAULT_EVERY;
	const n = Number(value);
	if (typeof value !== 'string' || !/^\s*\d+\s*$/.test(value) || n < 1 || n > MAX_EVERY) throw new UsageError(`--latency-sample wants one whole number from 1 to ${MAX_EVERY} (1 packet in N); got "${String(value)}"`);
	return n;
}

/** A stage's row: where (and any count of its own), then its times in µs (figuresJson, buckets), per queue the same. */
function stageJson({ count, sum, avg, p50, p90, p99, buckets, queues, ...where }: StageRow): object {
	return { ...where, ...figuresJson({ count, sum, avg, p50, p90, p99 }, 'us'), buckets: bucketsJson(buckets, 'us'), ...(queues ? { queues: queues.map((q) => ({ queue: q.queue, ...figuresJson(q, 'us') })) } : {}) };
}

/** A stage on one connection: the stage, the flow and owner (flowJson), its protocol, its times in µs, the owner's cgroup. */
function flowRowJson(f: LatencyFlowRow, view: LatencyView, names: RowNames): object {
	return { stage: f.stage, ...flowJson(f, names.netns), protocol: f.proto, ...figuresJson(f, 'us'), ...cgroupFieldsOf(view.cgroupOf(f.cgroupId)) };
}

/** A followed packet: when, which way, the flow and owner, where, its protocol (null when neither TCP nor UDP), its size, µs in each stage (null where it did not pass), the owner's cgroup. */
function packetJson(p: LatencyPacket, view: LatencyView, names: RowNames): object {
	const { stack, qdisc, driver, socket } = p.stages;
	return { time: isoTime(p.time), dir: p.dir, ...flowJson(p, names.netns), ifindex: p.ifindex, ifname: p.ifname, queue: p.queue, protocol: p.proto || null, len_bytes: p.len, stack_us: stack, qdisc_us: qdisc, driver_us: driver, socket_us: socket, paced: p.paced, segments: p.segments, segmented: p.segmented, ...cgroupFieldsOf(view.cgroupOf(p.cgroupId)) };
}

/** The view as the value of `latency` in the JSON line: its own figures (state, every, counts), then the rows; the recent list stays on the tab. */
function latencyJson(view: LatencyView, names: RowNames): object {
	const { recent: _recent, cgroupOf: _cgroupOf, stages, segmentation, flows, packets, ...figures } = view;
	return { ...figures, stages: stages.map(stageJson), segmentation, flows: flows.map((f) => flowRowJson(f, view, names)), packets: packets.map((p) => packetJson(p, view, names)) };
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
	recorded: 1,
	retain: (snapshot) => snapshot,
	span: (snaps) => ({ ...snaps.at(-1)!, packets: joined(snaps.map((s) => s.packets)), unfollowed: joined(snaps.map((s) => s.unfollowed)) }),
	interval: (prev, cur, filter, names, cgroups) => latencyView(prev, cur, filter, names, cgroups),
	*json(view, out, names) {
		out.text(JSON.stringify(latencyJson(view, names)));
	},
	text: (view, props) => (isUnavailable(view) ? [`latency unavailable: ${view.unavailable}`] : latencyTab.lines(view, { ...props, plain: true }).map(plainText)),
	// Per stage, namespace and interface: the sampled packets' times, in seconds, in the tab's log2 slots.
	metrics(view, sink) {
		for (const r of view.stages) {
			const counts = new Map(r.buckets.map((b) => [b.lo, b.count]));
			const buckets = METRIC_SLOTS.map((i) => [2 ** (i + 1) / 1e6, counts.get(i === 0 ? 0 : 2 ** i) ?? 0] as const);
			const labels = { stage: r.stage, netns: String(r.netns), device: r.ifname, ...netnsNameLabel(r.netns_name) };
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
