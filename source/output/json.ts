// --json output: one NDJSON line per interval.
import { isUnavailable } from '../collectors/sources.js';
import { ownedFlow, type OwnedFlow } from '../collectors/flows.js';
import type { RttView } from '../model/rtt.js';
import type { Sample } from '../model/sample.js';
import type { TcpRows } from '../model/tcp.js';

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
	else yield* array(tcp.length, (from, to) => tcpRowsText(tcp, from, to));
	yield ',"rtt":';
	const rtt = sample.rtt;
	if (isUnavailable(rtt)) yield JSON.stringify(rtt);
	else {
		const { unit, count, sum, avg, p50, p90, p99, buckets, by_raddr } = rtt;
		yield `${open({ unit, count, sum, avg, p50, p90, p99, buckets, by_raddr })},"flows":`;
		yield* array(rtt.flowCount, (from, to) => rttFlowsText(rtt, from, to));
		yield '}';
	}
	yield `,"retrans":${JSON.stringify(retrans)}`;
	if (Object.keys(sample.lost).length > 0) yield `,"lost":${JSON.stringify(sample.lost)}`;
	yield '}';
}

/** An object's JSON without its closing brace, for more keys to follow. */
const open = (o: object) => JSON.stringify(o).slice(0, -1);

/** A JSON array of n items, ROWS_PER_PIECE at a time: `text(from, to)` gives those items' JSON, comma separated. */
function* array(n: number, text: (from: number, to: number) => string): Generator<string> {
	if (n === 0) {
		yield '[]';
		return;
	}
	for (let from = 0; from < n; from += ROWS_PER_PIECE) {
		const to = Math.min(n, from + ROWS_PER_PIECE);
		yield `${from === 0 ? '[' : ','}${text(from, to)}${to >= n ? ']' : ''}`;
	}
}

/*
 * Rows are written as text directly, JSON.stringify's output byte for byte
 * (the tests compare the two): a flow's fixed part is written once per flow
 * object (flows are immutable, shared from one interval to the next), the
 * numbers each time.
 */
const flowTexts = new WeakMap<OwnedFlow, string>();

/** `{"pid":…,"rport":…,` for a flow: its fields in OwnedFlow's order, ready for more. */
function flowText(f: OwnedFlow): string {
	let text = flowTexts.get(f);
	if (text === undefined) {
		text = `${open(ownedFlow(f))},`;
		flowTexts.set(f, text);
	}
	return text;
}

/** A number as JSON.stringify writes it. */
const num = (n: number) => (Number.isFinite(n) ? `${n}` : 'null');

/** Rows from..to of TcpRows.records() as JSON, without the brackets. */
function tcpRowsText(tcp: TcpRows, from: number, to: number): string {
	const order = tcp.order();
	let text = '';
	for (let k = from; k < to; k++) {
		const i = order[k]!;
		text += `${k > from ? ',' : ''}${flowText(tcp.flows[i]!)}"tx_bytes":${num(tcp.tx[i]!)},"rx_bytes":${num(tcp.rx[i]!)}}`;
	}
	return text;
}

/** RttView.flows[from..to) as JSON, without the brackets. */
function rttFlowsText(rtt: RttView, from: number, to: number): string {
	let text = '';
	rtt.eachFlowBetween(from, to, (f, x) => {
		text += `${text === '' ? '' : ','}${flowText(f)}"count":${num(x.count)},"sum":${num(x.sum)},"avg":${num(x.avg)},"p50":${num(x.p50)},"p90":${num(x.p90)},"p99":${num(x.p99)}}`;
	});
	return text;
}
