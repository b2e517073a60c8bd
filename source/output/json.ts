// --json output: one NDJSON line per interval.
import { isUnavailable } from '../collectors/sources.js';
import { ownedFlow, RENDERED, type OwnedFlow } from '../collectors/flows.js';
import type { RttView } from '../model/rtt.js';
import type { Sample } from '../model/sample.js';
import type { TcpRows } from '../model/tcp.js';

/** Rows per piece: each piece stays small (tens of kB), never a buffer of megabytes. */
const ROWS_PER_PIECE = 256;

/** A sample as one line of JSON: time as ISO 8601, interval in seconds, counters as deltas. */
export function jsonLine(sample: Sample): string {
	return Buffer.concat([...jsonPieces(sample)]).toString('utf8');
}

/**
 * jsonLine() in pieces of UTF-8, to write one after another: with tens of
 * thousands of connections a line is megabytes, and the pieces of it are
 * 64 kB buffers (reused once written: pieceWritten) instead of one large
 * string. Rows are written as bytes straight into the piece: no string per
 * row or per number.
 */
export function* jsonPieces(sample: Sample): Generator<Uint8Array> {
	const out = new Piece();
	const retrans = isUnavailable(sample.retrans)
		? sample.retrans
		: { ...sample.retrans, events: sample.retrans.events.map(({ cookie: _cookie, time, ...e }) => ({ time: new Date(time).toISOString(), ...e })) };
	out.text(`${open({ time: new Date(sample.time).toISOString(), interval: Math.round(sample.interval * 1e6) / 1e6, nic: sample.nic })},"tcp":`);
	const tcp = sample.tcp;
	if (isUnavailable(tcp)) out.text(JSON.stringify(tcp));
	else yield* array(out, tcp.length, (from, to) => tcpRows(out, tcp, from, to));
	out.text(',"rtt":');
	const rtt = sample.rtt;
	if (isUnavailable(rtt)) out.text(JSON.stringify(rtt));
	else {
		const { unit, count, sum, avg, p50, p90, p99, buckets, by_raddr } = rtt;
		out.text(`${open({ unit, count, sum, avg, p50, p90, p99, buckets, by_raddr })},"flows":`);
		yield* array(out, rtt.flowCount, (from, to) => rttFlows(out, rtt, from, to));
		out.text('}');
	}
	out.text(`,"retrans":${JSON.stringify(retrans)}`);
	if (Object.keys(sample.lost).length > 0) out.text(`,"lost":${JSON.stringify(sample.lost)}`);
	out.text('}');
	yield out.take(true);
}

/** An object's JSON without its closing brace, for more keys to follow. */
const open = (o: object) => JSON.stringify(o).slice(0, -1);

/** A JSON array of n items into `out`, ROWS_PER_PIECE at a time (`rows(from, to)` writes those, comma separated), a piece after each. */
function* array(out: Piece, n: number, rows: (from: number, to: number) => void): Generator<Uint8Array> {
	out.ascii('[');
	for (let from = 0; from < n; from += ROWS_PER_PIECE) {
		const to = Math.min(n, from + ROWS_PER_PIECE);
		if (from > 0) out.ascii(',');
		rows(from, to);
		if (to < n) yield out.take();
	}
	out.ascii(']');
}

const PIECE_BYTES = 64 * 1024;

/*
 * Buffers of pieces already written, to write the next ones into, rather
 * than megabytes a second of new buffers outside the JS heap, which V8
 * counts when it decides to collect the whole heap.
 */
const spare: Buffer[] = [];
const SPARE_MAX = 8;

/** Gives back the buffer of a piece jsonPieces() yielded, once it has been written (the write's callback): the next pieces reuse it. */
export function pieceWritten(piece: Uint8Array): void {
	if (spare.length < SPARE_MAX && piece.byteOffset === 0 && piece.buffer.byteLength >= PIECE_BYTES) spare.push(Buffer.from(piece.buffer as ArrayBuffer));
}

const newBuffer = () => spare.pop() ?? Buffer.allocUnsafe(PIECE_BYTES);

/** The text Piece.number() writes for n (for the tests: it must be JSON.stringify's). */
export function numberText(n: number): string {
	const piece = new Piece();
	piece.number(n);
	return Buffer.from(piece.take(true)).toString('latin1');
}

/** A piece of a line being written: UTF-8 bytes in a buffer that grows as needed. */
class Piece {
	private buf = newBuffer();
	private at = 0;

	/** The bytes so far; the next ones, unless this was the `last` piece, go to another buffer (the writer holds these until written). */
	take(last = false): Uint8Array {
		const bytes = this.buf.subarray(0, this.at);
		if (!last) this.buf = newBuffer();
		this.at = 0;
		return bytes;
	}

	text(s: string): void {
		this.room(3 * s.length);
		this.at += this.buf.write(s, this.at, 'utf8');
	}

	/** A string of ASCII characters only. */
	ascii(s: string): void {
		this.room(s.length);
		const buf = this.buf;
		for (let k = 0; k < s.length; k++) buf[this.at++] = s.charCodeAt(k);
	}

	/** `key` (ASCII, with its quotes, colon and any comma before it), then the number. */
	field(key: string, n: number): void {
		this.ascii(key);
		this.number(n);
	}

	bytes(b: Uint8Array): void {
		this.room(b.length);
		this.buf.set(b, this.at);
		this.at += b.length;
	}

	/**
	 * A number as JSON.stringify writes it, by hand for those most are: whole
	 * numbers, and tenths (the RTT figures are rounded to one decimal). For a
	 * double that is exactly k / 10, the shortest text that reads back as it,
	 * which is what JSON.stringify writes, is k's digits with a point before the last.
	 */
	number(n: number): void {
		if (n >= 0 && n <= Number.MAX_SAFE_INTEGER && Math.floor(n) === n) {
			this.digits(n);
			return;
		}
		const tenths = Math.round(n * 10);
		if (n > 0 && tenths < 2 ** 49 && tenths / 10 === n) {
			this.digits(Math.floor(tenths / 10));
			this.room(2);
			this.buf[this.at++] = 46; // '.'
			this.buf[this.at++] = 48 + (tenths % 10);
			return;
		}
		this.ascii(Number.isFinite(n) ? `${n}` : 'null');
	}

	/** A whole number from 0 to 2^53. */
	private digits(n: number): void {
		let len = 1;
		for (let p = 10; p <= n; p *= 10) len++;
		this.room(len);
		const buf = this.buf;
		let k = this.at + len;
		let v = n;
		do {
			const q = Math.floor(v / 10);
			buf[--k] = 48 + (v - q * 10);
			v = q;
		} while (v > 0);
		this.at += len;
	}

	private room(n: number): void {
		if (this.at + n <= this.buf.length) return;
		const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.at + n));
		this.buf.copy(bigger, 0, 0, this.at);
		this.buf = bigger;
	}
}

/*
 * Rows are written as JSON.stringify would write them, byte for byte (the
 * tests compare the two): a flow's fields are encoded once per flow object
 * (kept on it, see RENDERED), the numbers each time.
 */

/** `{"pid":…,"rport":…,` for a flow, in UTF-8: its fields in OwnedFlow's order, ready for more. */
function flowText(f: OwnedFlow): Uint8Array {
	return (f[RENDERED] ??= Buffer.from(`${open(ownedFlow(f))},`));
}

/** Rows from..to of TcpRows.records() as JSON, without the brackets. */
function tcpRows(out: Piece, tcp: TcpRows, from: number, to: number): void {
	const order = tcp.order();
	for (let k = from; k < to; k++) {
		const i = order[k]!;
		if (k > from) out.ascii(',');
		out.bytes(flowText(tcp.flows[i]!));
		out.field('"tx_bytes":', tcp.tx[i]!);
		out.field(',"rx_bytes":', tcp.rx[i]!);
		out.ascii('}');
	}
}

/** RttView.flows[from..to) as JSON, without the brackets. */
function rttFlows(out: Piece, rtt: RttView, from: number, to: number): void {
	let first = true;
	rtt.eachFlowBetween(from, to, (f, x) => {
		if (!first) out.ascii(',');
		first = false;
		out.bytes(flowText(f));
		out.field('"count":', x.count);
		out.field(',"sum":', x.sum);
		out.field(',"avg":', x.avg);
		out.field(',"p50":', x.p50);
		out.field(',"p90":', x.p90);
		out.field(',"p99":', x.p99);
		out.ascii('}');
	});
}
