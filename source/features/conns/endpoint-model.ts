// The recent connection events per remote endpoint or per local port: opens, failures, resets, connect latency and lifetime.
import type { ConnEvent } from './event-model.js';

export type EndpointMode = 'remote' | 'port';

/** The recent events of one remote endpoint or one local port. */
export interface EndpointRow {
	readonly key: string;
	readonly opens: number;
	readonly fails: number;
	readonly resets: number;
	readonly closes: number;
	/** Connect latency over the completed connects (µs); undefined when none. */
	readonly latencyAvg?: number;
	readonly latencyP99?: number;
	/** Average lifetime of the closes whose start nettop saw (ms). */
	readonly lifetimeAvg?: number;
}

/** The key an event is counted under in `mode`, or undefined when the mode does not count it (connects by their ephemeral local port). */
export function endpointKey(e: ConnEvent, mode: EndpointMode): string | undefined {
	const v6 = (addr: string) => (addr.includes(':') ? `[${addr}]` : addr);
	if (mode === 'port') return e.direction === 'connect' ? undefined : String(e.lport);
	return e.direction === 'connect' ? `${v6(e.raddr)}:${e.rport}` : e.raddr;
}

function percentile(sorted: readonly number[], share: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

/** The events per key of `mode`, most opens (then most failures and resets) first. */
export function endpointRows(events: readonly ConnEvent[], mode: EndpointMode): EndpointRow[] {
	interface Acc {
		opens: number;
		fails: number;
		resets: number;
		closes: number;
		latencies: number[];
		lifetimes: number[];
	}
	const by = new Map<string, Acc>();
	for (const e of events) {
		const key = endpointKey(e, mode);
		if (key === undefined) continue;
		let a = by.get(key);
		if (!a) by.set(key, (a = { opens: 0, fails: 0, resets: 0, closes: 0, latencies: [], lifetimes: [] }));
		if (e.type === 'connect' || e.type === 'accept') a.opens++;
		else if (e.type === 'fail') a.fails++;
		else if (e.type === 'reset_in' || e.type === 'reset_out') a.resets++;
		else a.closes++;
		if (e.latencyUs !== undefined) a.latencies.push(e.latencyUs);
		if (e.durationMs !== undefined) a.lifetimes.push(e.durationMs);
	}
	const rows: EndpointRow[] = [];
	for (const [key, a] of by) {
		const lat = a.latencies.sort((x, y) => x - y);
		rows.push({
			key,
			opens: a.opens,
			fails: a.fails,
			resets: a.resets,
			closes: a.closes,
			...(lat.length ? { latencyAvg: lat.reduce((s, x) => s + x, 0) / lat.length, latencyP99: percentile(lat, 0.99) } : {}),
			...(a.lifetimes.length ? { lifetimeAvg: a.lifetimes.reduce((s, x) => s + x, 0) / a.lifetimes.length } : {}),
		});
	}
	return rows.sort((x, y) => y.opens - x.opens || y.fails + y.resets - (x.fails + x.resets) || (x.key < y.key ? -1 : 1));
}
