// JSON written as UTF-8 bytes straight into reused 64 kB pieces: no string per row or per number (docs/performance.md); and the parts every feature's rows share.
import type { OwnedFlow, SocketFlow } from '../model/flow.js';
import type { Bucket, Distribution } from '../model/histogram.js';

/** A row's owner: both null, not 0 and "", when no process is known (pid 0: the socket was never stamped by one). */
export function ownerJson(pid: number, comm: string): { pid: number | null; comm: string | null } {
	return pid === 0 ? { pid: null, comm: null } : { pid, comm };
}

/**
 * A connection and its owner as every row writes them: the owner, the
 * namespace and its `ip netns` name (null when it has none), the endpoints
 * (the remote end null for a UDP socket not connected).
 */
export function flowJson(f: Omit<OwnedFlow, 'raddr' | 'rport'> & { readonly raddr: string | null; readonly rport: number | null }, netnsNames: ReadonlyMap<number, string>) {
	return { ...ownerJson(f.pid, f.comm), netns: f.netns, netns_name: netnsNames.get(f.netns) ?? null, family: f.family, laddr: f.laddr, lport: f.lport, raddr: f.raddr, rport: f.rport };
}

/** The unit of a time in JSON, as its field's name ends: `p50_us`, `duration_ms` (README, JSON). */
export type TimeUnit = 'us' | 'ms';

/** A distribution's fields: `count`, then `sum`, `avg` and the percentiles, each named with its unit. */
export function figuresJson(d: Distribution, unit: TimeUnit): Record<string, number> {
	return { count: d.count, [`sum_${unit}`]: d.sum, [`avg_${unit}`]: d.avg, [`p50_${unit}`]: d.p50, [`p90_${unit}`]: d.p90, [`p99_${unit}`]: d.p99 };
}

/** figuresJson's keys but `count`, each with the comma and colon around it: for writing a row's figures number by number. */
export function figureKeys(unit: TimeUnit): readonly string[] {
	return ['sum', 'avg', 'p50', 'p90', 'p99'].map((k) => `,"${k}_${unit}":`);
}

/** log2 slots: each slot's range, named with its unit, and its count. */
export function bucketsJson(buckets: readonly Bucket[], unit: TimeUnit): Record<string, number>[] {
	return buckets.map((b) => ({ [`lo_${unit}`]: b.lo, [`hi_${unit}`]: b.hi, count: b.count }));
}

const PIECE_BYTES = 64 * 1024;
/** Whole numbers below this are written with 32-bit integer arithmetic, which costs a fraction of a double's division. */
const SMALL = 2 ** 31;
/** Room for any number number() writes by hand: 16 digits, a point and one more. */
const NUMBER_BYTES = 18;

/** The digits of `v` (0 <= v < 2^31) into buf at `at`, which has room; returns where they end. */
function smallDigits(buf: Buffer, at: number, v: number): number {
	const len = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
	let k = at + len;
	do {
		const q = (v / 10) | 0;
		buf[--k] = 48 + v - q * 10;
		v = q;
	} while (v > 0);
	return at + len;
}

/** Buffers of pieces already written, for the next pieces: not megabytes a second of new memory outside the JS heap. */
const freeBuffers: Buffer[] = [];
const FREE_MAX = 8;

/** Gives back the buffer of a piece once it has been written (the write's callback): the next pieces reuse it. */
export function pieceWritten(piece: Uint8Array): void {
	if (freeBuffers.length < FREE_MAX && piece.byteOffset === 0 && piece.buffer.byteLength >= PIECE_BYTES) freeBuffers.push(Buffer.from(piece.buffer as ArrayBuffer));
}

const newBuffer = () => freeBuffers.pop() ?? Buffer.allocUnsafe(PIECE_BYTES);

/** An object's JSON without its closing brace, for more keys to follow. */
export const unclosedObject = (o: object) => JSON.stringify(o).slice(0, -1);

/** A piece of a line being written: UTF-8 bytes in a buffer that grows as needed. */
export class Piece {
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
		let at = this.at;
		for (let k = 0; k < s.length; k++) buf[at++] = s.charCodeAt(k);
		this.at = at;
	}

	/** `key` (ASCII, with its quotes, colon and any comma before it), then the number. */
	field(key: string, n: number): void {
		this.room(key.length + NUMBER_BYTES);
		const buf = this.buf;
		let at = this.at;
		for (let k = 0; k < key.length; k++) buf[at++] = key.charCodeAt(k);
		this.at = at;
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
			this.room(NUMBER_BYTES);
			this.at = n < SMALL ? smallDigits(this.buf, this.at, n | 0) : this.bigDigits(n);
			return;
		}
		const tenths = Math.round(n * 10);
		if (n > 0 && tenths < 2 ** 49 && tenths / 10 === n) {
			this.room(NUMBER_BYTES);
			const whole = Math.floor(tenths / 10);
			const buf = this.buf;
			let at = whole < SMALL ? smallDigits(buf, this.at, whole | 0) : this.bigDigits(whole);
			buf[at++] = 46; // '.'
			buf[at++] = 48 + (tenths - whole * 10);
			this.at = at;
			return;
		}
		this.ascii(Number.isFinite(n) ? `${n}` : 'null');
	}

	/** A whole number from 2^31 to 2^53 at `at` (room made); returns where it ends. */
	private bigDigits(n: number): number {
		let len = 1;
		for (let p = 10; p <= n; p *= 10) len++;
		const buf = this.buf;
		let k = this.at + len;
		let v = n;
		do {
			const q = Math.floor(v / 10);
			buf[--k] = 48 + (v - q * 10);
			v = q;
		} while (v > 0);
		return this.at + len;
	}

	private room(n: number): void {
		if (this.at + n <= this.buf.length) return;
		const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.at + n));
		this.buf.copy(bigger, 0, 0, this.at);
		this.buf = bigger;
	}
}

/** A JSON array of n items into `out`, `rowsPerPiece` at a time (`rows(from, to)` writes those, comma separated), a piece after each but the last. */
export function* jsonArray(out: Piece, n: number, rows: (from: number, to: number) => void, rowsPerPiece = 256): Generator<Uint8Array> {
	out.ascii('[');
	for (let from = 0; from < n; from += rowsPerPiece) {
		const to = Math.min(n, from + rowsPerPiece);
		if (from > 0) out.ascii(',');
		rows(from, to);
		if (to < n) yield out.take();
	}
	out.ascii(']');
}

/**
 * Each flow's fields, encoded once: a socket's flow is one object, shared by
 * every read while it holds, so a line of tens of thousands of connections
 * encodes only the flows it has not seen before. A cache indexed by the
 * socket's cookie, one entry a cookie: a lookup is an array index, where a
 * Map or WeakMap lookup, out of cache with tens of thousands of keys, made
 * writing a line a fifth more costly (docs/performance.md). One per table:
 * a connection's tcp and RTT flows are two objects with one cookie. The
 * texts hold the namespaces' names: names that change (`ip netns add`)
 * empty the cache.
 */
export class FlowJsonCache {
	/** The flow at (cookie mod capacity), and its text. */
	private flows: (SocketFlow | undefined)[] = new Array<SocketFlow | undefined>(1024).fill(undefined);
	private texts: Uint8Array[] = new Array<Uint8Array>(1024).fill(EMPTY);
	private netnsNames: ReadonlyMap<number, string> | undefined;

	/** `{"pid":…,"rport":…,` for a flow, in UTF-8: flowJson's fields, ready for more. */
	get(f: SocketFlow, netnsNames: ReadonlyMap<number, string>): Uint8Array {
		if (netnsNames !== this.netnsNames) {
			if (!this.netnsNames || !sameNames(this.netnsNames, netnsNames)) this.flows.fill(undefined);
			this.netnsNames = netnsNames;
		}
		const at = f.cookie % this.flows.length;
		if (this.flows[at] === f) return this.texts[at]!;
		const text = Buffer.from(flowText(f, netnsNames));
		this.flows[at] = f;
		this.texts[at] = text;
		return text;
	}

	/** Room for `rows` flows a line, twice over: cookies in use at once seldom share an entry. */
	reserve(rows: number): void {
		if (2 * rows <= this.flows.length) return;
		let size = this.flows.length;
		while (size < 2 * rows) size *= 2;
		this.flows = new Array<SocketFlow | undefined>(size).fill(undefined);
		this.texts = new Array<Uint8Array>(size).fill(EMPTY);
	}
}

/**
 * `{"pid":…,"rport":…,`: flowJson's fields of socketRow(f), written straight
 * into one string. Building the two objects and stringifying them, for each
 * of 40,000 flows a line's first time, raised the peak resident memory at
 * 20,000 flows by 30-45 MB (docs/performance.md). Addresses are nettop's own
 * text (digits, dots, colons, hex): no escapes.
 */
function flowText(f: SocketFlow, netnsNames: ReadonlyMap<number, string>): string {
	const connected = f.proto === 'tcp' || f.rport !== 0;
	const name = netnsNames.get(f.netns);
	const owner = f.pid === 0 ? 'null,"comm":null' : `${f.pid},"comm":${JSON.stringify(f.comm)}`;
	const remote = connected ? `"${f.raddr}","rport":${f.rport}` : 'null,"rport":null';
	return `{"pid":${owner},"netns":${f.netns},"netns_name":${name === undefined ? 'null' : JSON.stringify(name)},"family":${f.family},"laddr":"${f.laddr}","lport":${f.lport},"raddr":${remote},`;
}

const EMPTY = new Uint8Array(0);

/** Two listings that name the same namespaces the same (a listing is made anew when /run/netns is missing or changed). */
function sameNames(a: ReadonlyMap<number, string>, b: ReadonlyMap<number, string>): boolean {
	if (a.size !== b.size) return false;
	for (const [netns, name] of a) if (b.get(netns) !== name) return false;
	return true;
}
