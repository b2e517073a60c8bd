// --json output: one NDJSON line per interval.
import { isUnavailable } from '../collectors/sources.js';
import type { Sample } from '../model/sample.js';

/** Rows per piece: each piece of text stays small (tens of kB), never one string of megabytes. */
const ROWS_PER_PIECE = 256;

/** A sample as one line of JSON: time as ISO 8601, interval in seconds, counters as deltas. */
export function jsonLine(sample: Sample): string {
	return [...jsonPieces(sample)].join('');
}

/**
 * jsonLine() in pieces, to write one after another: with tens of thousands
 * of connections a line is megabytes, and the pieces of it are short-lived
 * small strings instead of one large one.
 */
export function* jsonPieces(sample: Sample): Generator<string> {
	const retrans = isUnavailable(sample.retrans)
		? sample.retrans
		: { ...sample.retrans, events: sample.retrans.events.map(({ cookie: _cookie, time, ...e }) => ({ time: new Date(time).toISOString(), ...e })) };
	yield `${open({ time: new Date(sample.time).toISOString(), interval: Math.round(sample.interval * 1e6) / 1e6, nic: sample.nic })},"tcp":`;
	const tcp = sample.tcp;
	if (isUnavailable(tcp)) yield JSON.stringify(tcp);
	else yield* array(tcp.length, (from, to) => tcp.records(from, to));
	yield ',"rtt":';
	const rtt = sample.rtt;
	if (isUnavailable(rtt)) yield JSON.stringify(rtt);
	else {
		const { unit, count, sum, avg, p50, p90, p99, buckets, by_raddr } = rtt;
		yield `${open({ unit, count, sum, avg, p50, p90, p99, buckets, by_raddr })},"flows":`;
		yield* array(rtt.flowCount, (from, to) => rtt.flowsBetween(from, to));
		yield '}';
	}
	yield `,"retrans":${JSON.stringify(retrans)}`;
	if (Object.keys(sample.lost).length > 0) yield `,"lost":${JSON.stringify(sample.lost)}`;
	yield '}';
}

/** An object's JSON without its closing brace, for more keys to follow. */
const open = (o: object) => JSON.stringify(o).slice(0, -1);

/** A JSON array of n items, ROWS_PER_PIECE at a time: `slice(from, to)` gives the items. */
function* array(n: number, slice: (from: number, to: number) => readonly unknown[]): Generator<string> {
	if (n === 0) {
		yield '[]';
		return;
	}
	for (let from = 0; from < n; from += ROWS_PER_PIECE) {
		const text = JSON.stringify(slice(from, Math.min(n, from + ROWS_PER_PIECE)));
		yield `${from === 0 ? '[' : ','}${text.slice(1, -1)}${from + ROWS_PER_PIECE >= n ? ']' : ''}`;
	}
}
