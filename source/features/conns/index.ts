// The Connections feature: opens, failures and resets per namespace as the kernel counts them, and each connect, accept, close and RST with its owner.
import { ownedRowPiece, quoted } from '../../format/flow-piece.js';
import { jsonArray, unclosedObject, type Piece } from '../../format/json-piece.js';
import { rateText } from '../../format/numbers.js';
import { isoTime } from '../../format/time.js';
import { perSecond } from '../../model/counters.js';
import { netnsNameLabel } from '../../model/metrics.js';
import { joined, unionMaps } from '../../model/span.js';
import { UsageError } from '../../model/filter.js';
import { isUnavailable, type RowNames } from '../../model/reading.js';
import { plainText } from '../../format/lines.js';
import { netnsNames } from '../../kernel/netns.js';
import type { Feature } from '../feature.js';
import { ConnsCollector, EVENTS_PER_SECOND } from './collector.js';
import { CONNS_LAYOUTS } from './layouts.js';
import { connsView, notSeen, type ConnEvent, type ConnEventType, type ConnsSnapshot, type ConnsView, type Direction } from './model.js';
import { connsTab, type ConnsTabState } from './tab.js';

/** -r/--direction: only the events of connections this host opened (connect) or accepted (accept). */
function parseDirection(value: string | boolean | undefined): Direction | undefined {
	if (value === undefined) return undefined;
	if (value === 'connect' || value === 'accept') return value;
	throw new UsageError(`-r/--direction wants connect or accept; got "${String(value)}"`);
}

/** --conn-events: events a second the list gets at most; 0 lists every one. */
function parseEventRate(value: string | boolean | undefined): number {
	if (value === undefined) return EVENTS_PER_SECOND;
	const n = Number(value);
	if (typeof value !== 'string' || !/^\d+$/.test(value.trim()) || n > 10_000_000) throw new UsageError(`--conn-events wants a whole number of events a second (0: all), at most 10000000; got "${String(value)}"`);
	return n;
}


/** The kernel's Tcp counters nettop counts, by key, and their MIB names. */
const CONN_METRICS = [
	['active_opens', 'ActiveOpens'],
	['passive_opens', 'PassiveOpens'],
	['attempt_fails', 'AttemptFails'],
	['estab_resets', 'EstabResets'],
	['out_rsts', 'OutRsts'],
	['in_rsts', 'resets received (no MIB counter: tcp_receive_reset)'],
] as const;

const TYPE_TEXT: Record<ConnEventType, string> = { connect: '"connect"', accept: '"accept"', close: '"close"', fail: '"fail"', reset_in: '"reset_in"', reset_out: '"reset_out"' };

/**
 * events[from..to) as the JSON line writes them, comma separated: time,
 * type, direction (null when nettop did not see the connection open), flow
 * and owner, cgroup, then the fields of its type. Written straight into the
 * piece, byte for byte what JSON.stringify of each event's object wrote: a
 * churn has thousands a second (docs/performance.md).
 */
function eventsJson(out: Piece, events: readonly ConnEvent[], from: number, to: number, names: RowNames): void {
	for (let i = from; i < to; i++) {
		const e = events[i]!;
		out.ascii(i > from ? ',{"time":"' : '{"time":"');
		out.ascii(isoTime(e.time));
		out.ascii('","type":');
		out.ascii(TYPE_TEXT[e.type]);
		out.ascii(e.direction === undefined ? ',"direction":null,' : e.direction === 'connect' ? ',"direction":"connect",' : ',"direction":"accept",');
		ownedRowPiece(out, e, names);
		switch (e.type) {
			case 'close':
				// Microseconds are what the kernel's clock gives a lifetime here; more digits would be noise.
				if (e.durationMs === undefined) out.ascii(',"duration_ms":null');
				else out.field(',"duration_ms":', Math.round(e.durationMs * 1000) / 1000);
				if (e.txBytes !== undefined) out.field(',"tx_bytes":', e.txBytes);
				if (e.rxBytes !== undefined) out.field(',"rx_bytes":', e.rxBytes);
				out.ascii(e.abort === true ? ',"abort":true' : ',"abort":false');
				break;
			case 'fail':
				if (e.reason !== undefined) {
					out.ascii(',"reason":');
					out.bytes(quoted(e.reason));
				}
				break;
			case 'connect':
				if (e.latencyUs !== undefined) out.field(',"latency_us":', e.latencyUs);
				break;
			default:
				if (e.noSocket) out.ascii(',"no_socket":true');
				else if (e.state !== undefined) {
					out.ascii(',"state":');
					out.bytes(quoted(e.state));
				}
		}
		out.ascii('}');
	}
}

export const conns: Feature<'conns', ConnsSnapshot, ConnsView, ConnsTabState> = {
	key: 'conns',
	aliases: ['connections'],
	flags: [
		{ name: 'direction', type: 'string', shortFlag: 'r', arg: 'connect|accept', usage: "Connections: only this end's events (counts stay whole)", parse: parseDirection, header: (value) => (value ? `-r ${String(value)}` : undefined) },
		{ name: 'connEvents', type: 'string', arg: 'N', usage: `Connections: list N events/s at most (${EVENTS_PER_SECOND}; 0: all)`, parse: parseEventRate },
	],
	layouts: CONNS_LAYOUTS,
	open: (context) =>
		ConnsCollector.open({
			owners: context.owners,
			direction: context.settings.direction as Direction | undefined,
			eventsPerSecond: context.settings.connEvents as number,
			netnsNames: () => netnsNames(),
			netns: context.netns,
		}),
	recorded: 1,
	retain: (snapshot) => snapshot,
	span: (snaps) => ({ ...snaps.at(-1)!, counts: unionMaps(snaps.map((s) => s.counts)), mib: unionMaps(snaps.map((s) => s.mib)), events: joined(snaps.map((s) => s.events)) }),
	interval: (prev, cur, filter, names, cgroups) => connsView(prev, cur, filter, names, cgroups),
	// The events row by row: a connection churn has thousands a second.
	*json(view, out, names) {
		out.text(`${unclosedObject({ counts: view.counts, not_seen: notSeen(view.sight), events_sampled: view.eventsSampled, events_lost: view.eventsLost })},"events":`);
		yield* jsonArray(out, view.events.length, (from, to) => eventsJson(out, view.events, from, to, names));
		out.ascii('}');
	},
	// The counts, per namespace, per endpoint and the interval's events, as the tab shows them.
	text: (view, props) => (isUnavailable(view) ? [`connections unavailable: ${view.unavailable}`] : connsTab.lines(view, { ...props, plain: true }).map(plainText)),
	// The kernel's Tcp counters per namespace, under their own names.
	metrics(view, sink) {
		for (const r of view.counts) {
			const labels = { netns: String(r.netns), ...netnsNameLabel(r.netns_name) };
			for (const [key, name] of CONN_METRICS) sink.count(`nettop_tcp_${key}_total`, key === 'in_rsts' ? `TCP ${name}, per network namespace.` : `TCP ${name}, per network namespace (grows as the kernel's Tcp ${name} does).`, labels, r[key]);
		}
	},
	summary(view, seconds) {
		if (!view) return { label: 'CONN', text: 'n/a' };
		const t = view.totals;
		const rate = (n: number) => rateText(perSecond(n, seconds));
		const [opens, fails, resets] = [rate(t.active_opens + t.passive_opens), rate(t.attempt_fails), rate(t.out_rsts + t.in_rsts)];
		// All a second, "/s" once: opens, failed opens (f), RSTs sent and received (r); the narrowest form leaves out the ones that are 0.
		const short = `${opens}${t.attempt_fails ? ` ${fails}f` : ''}${t.out_rsts + t.in_rsts ? ` ${resets}r` : ''}/s`;
		return { label: 'CONN', text: `${opens} ${fails}f ${resets}r/s`, short, alert: t.attempt_fails > 0 };
	},
	figure: { label: 'CONN', width: 21, help: 'a second: connections opened, failed opens (f), RSTs sent and received (r)' },
	tab: connsTab,
};
