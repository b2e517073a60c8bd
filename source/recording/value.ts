// Values as a recording stores them (issue 31): a reading's tree of plain objects, arrays, typed arrays, Maps,
// strings and numbers, each written against the value at the same place in the block before. What did not change
// costs a byte, a counter the growth since, a string a number once the epoch has written it.
import { ByteWriter, RecordingError } from '../format/binary.js';
import { ARRAY, asPlain, DELTA, F64, FALSE, FRACTIONAL, INT, MAP, NULL, OBJECT, type Plain, SAME, sameTyped, STRING, STRING_REF, TRUE, TYPED, type Typed, TYPED_DELTAS, TYPED_RAW, typedKind, UNDEFINED, ZIGZAG_LIMIT } from './value-tags.js';

/** An object's keys as written: their list, joined (the shape), and whether the watched key is among them. */
interface Keys {
	readonly keys: readonly string[];
	readonly shape: string;
	readonly watched: boolean;
	/** Frozen, and every value plain (no object): it cannot change, so it is its own shadow. */
	readonly flat: boolean;
}

/** On each object shadow, out of Object.keys' sight: its keys, and the live object it was written from (or found the same as). */
const KEYS = Symbol('keys');
const LIVE = Symbol('live');
type Shadow = Plain & { [KEYS]: Keys; [LIVE]: object };
/** On an array shadow whose items were all frozen: the live items it was written from, and the watched values among them. */
const ITEMS = Symbol('items');
const WATCHED = Symbol('watched');
type ArrayShadow = unknown[] & { [ITEMS]?: readonly unknown[]; [WATCHED]?: ReadonlySet<unknown> };

/** Every item an object, frozen: a list whose identities say whether it changed. */
function allFrozen(v: readonly unknown[]): boolean {
	for (const x of v) if (typeof x !== 'object' || x === null || !Object.isFrozen(x)) return false;
	return v.length > 0;
}

function sameItems(v: readonly unknown[], items: readonly unknown[]): boolean {
	if (v.length !== items.length) return false;
	for (let i = 0; i < v.length; i++) if (v[i] !== items[i]) return false;
	return true;
}

/**
 * Writes values against the ones before. `write` returns the value's shadow:
 * a copy that later changes to the live value leave alone (pooled arrays,
 * objects changed in place), to pass as `prev` with the next block. The
 * decoder's values equal the shadows, and share what did not change with the
 * value before, so an object unchanged from one block to the next is the
 * same object on the replay side too.
 */
export class ValueEncoder {
	private strings = new Map<string, number>();
	/**
	 * Each object's keys, by the object: the objects a collector shares from
	 * read to read (a connection's flow) are looked at once, not listed and
	 * joined each interval. The collectors build their objects whole: one
	 * that gained a key after it was first written would lose it here.
	 */
	private readonly keysOf = new WeakMap<object, Keys>();
	/** The Keys of each shape met, flat or not, shared by its objects. */
	private readonly shapes = new Map<string, Keys>();

	/** The watched values met inside the list of frozen objects being written, kept on its shadow. */
	private watched: Set<unknown> | undefined;

	/** `watch`: every value of that key in every object written, unchanged ones too, is handed to `seen` (the recorder collects cgroup ids so). */
	constructor(private readonly watch?: { readonly key: string; readonly seen: (value: unknown) => void }) {}

	private saw(value: unknown): void {
		this.watch!.seen(value);
		this.watched?.add(value);
	}

	/** A new epoch: strings are written again. */
	reset(): void {
		this.strings = new Map();
	}

	write(w: ByteWriter, v: unknown, prev: unknown): unknown {
		switch (typeof v) {
			case 'undefined':
				w.u8(prev === undefined ? SAME : UNDEFINED);
				return v;
			case 'boolean':
				w.u8(v === prev ? SAME : v ? TRUE : FALSE);
				return v;
			case 'number':
				this.number(w, v, prev);
				return v;
			case 'string':
				if (v === prev) w.u8(SAME);
				else this.string(w, v);
				return v;
			case 'object':
				if (v === null) {
					w.u8(prev === null ? SAME : NULL);
					return v;
				}
				if (Array.isArray(v)) return this.array(w, v, prev);
				if (ArrayBuffer.isView(v)) return this.typed(w, v, prev);
				if (v instanceof Map) return this.map(w, v, prev);
				return this.object(w, v as Plain, prev);
			default:
				throw new RecordingError(`a ${typeof v} cannot be recorded`);
		}
	}

	private number(w: ByteWriter, v: number, prev: unknown): void {
		if (Object.is(v, prev)) w.u8(SAME);
		else if (!Number.isSafeInteger(v) || Object.is(v, -0)) w.u8(F64).f64(v);
		else if (typeof prev === 'number' && Number.isSafeInteger(prev) && Math.abs(v - prev) < ZIGZAG_LIMIT) w.u8(DELTA).zigzag(v - prev);
		else if (Math.abs(v) < ZIGZAG_LIMIT) w.u8(INT).zigzag(v);
		else w.u8(F64).f64(v);
	}

	private string(w: ByteWriter, v: string): void {
		const id = this.strings.get(v);
		if (id !== undefined) {
			w.u8(STRING_REF).varint(id);
			return;
		}
		this.strings.set(v, this.strings.size);
		w.u8(STRING).utf8(v);
	}

	/** Takes back what a value wrote since `start`, strings new to the epoch among it too, and writes SAME. */
	private same(w: ByteWriter, start: number, strings: number): void {
		w.truncate(start).u8(SAME);
		if (this.strings.size === strings) return;
		let id = 0;
		for (const key of this.strings.keys()) if (id++ >= strings) this.strings.delete(key);
	}

	private array(w: ByteWriter, v: readonly unknown[], prev: unknown): unknown {
		const p = Array.isArray(prev) ? (prev as ArrayShadow) : undefined;
		// A list of the same frozen objects as before (a read's flows): unchanged, by their identities alone, its
		// watched values (cgroup ids) handed on again without looking into each.
		if (p?.[ITEMS] !== undefined && sameItems(v, p[ITEMS])) {
			for (const value of p[WATCHED]!) this.watch!.seen(value);
			w.u8(SAME);
			return prev;
		}
		const [start, strings] = [w.length, this.strings.size];
		w.u8(ARRAY).varint(v.length);
		const watched = this.watched;
		this.watched = this.watch && allFrozen(v) ? new Set() : undefined;
		// The shadow is made only once an element differs: an unchanged list of 10,000 flows allocates nothing.
		let out: unknown[] | undefined = p !== undefined && p.length === v.length ? undefined : new Array<unknown>(v.length);
		for (let i = 0; i < v.length; i++) {
			const s = this.write(w, v[i], p?.[i]);
			if (out === undefined && !Object.is(s, p![i])) out = p!.slice(0, i);
			if (out !== undefined) out[i] = s;
		}
		const mine = this.watched;
		this.watched = watched;
		if (mine) for (const value of mine) watched?.add(value);
		const shadow = (out ?? prev) as ArrayShadow;
		// Frozen items only: their identities stand for their values next time.
		if (mine) [shadow[ITEMS], shadow[WATCHED]] = [v.slice(), mine];
		if (out !== undefined) return out;
		this.same(w, start, strings);
		return prev;
	}

	private typed(w: ByteWriter, v: ArrayBufferView, prev: unknown): unknown {
		const kind = typedKind(v);
		if (kind < 0) throw new RecordingError(`a ${v.constructor.name} cannot be recorded`);
		const a = v as Typed;
		const p = ArrayBuffer.isView(prev) && prev.constructor === v.constructor ? (prev as Typed) : undefined;
		if (p && sameTyped(a, p)) {
			w.u8(SAME);
			return prev;
		}
		w.u8(TYPED).u8(kind).varint(a.length);
		// Deltas from the value before at each index (0 past its end), written as they are checked, in one pass;
		// a float that is not a whole number, or a jump too far for a delta, takes them back for the raw bytes.
		const mark = w.length;
		w.u8(TYPED_DELTAS);
		const [n, m] = [a.length, p === undefined ? 0 : Math.min(p.length, a.length)];
		const whole = !FRACTIONAL.has(kind);
		let deltas = true;
		for (let i = 0; i < n; i++) {
			const x = a[i]!;
			const b = i < m ? p![i]! : 0;
			if (!whole && !(Number.isSafeInteger(x) && !Object.is(x, -0) && Number.isSafeInteger(b) && Math.abs(x - b) < ZIGZAG_LIMIT)) {
				deltas = false;
				break;
			}
			w.zigzag(x - b);
		}
		if (!deltas) w.truncate(mark).u8(TYPED_RAW).raw(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
		return a.slice();
	}

	private map(w: ByteWriter, v: ReadonlyMap<unknown, unknown>, prev: unknown): unknown {
		const p = prev instanceof Map ? (prev as Map<unknown, unknown>) : undefined;
		const [start, strings] = [w.length, this.strings.size];
		w.u8(MAP).varint(v.size);
		let same = p !== undefined && p.size === v.size;
		const order = same ? p!.keys() : undefined;
		const out = new Map<unknown, unknown>();
		for (const [k, value] of v) {
			this.write(w, k, undefined);
			const before = p?.get(k);
			const s = this.write(w, value, before);
			out.set(k, s);
			if (same && (order!.next().value !== k || !Object.is(s, before) || (before === undefined && !p!.has(k)))) same = false;
		}
		if (!same) return out;
		this.same(w, start, strings);
		return prev;
	}

	/**
	 * The shadow of `v`, found equal to the shadow `p` before it: `p` still, so
	 * what holds them is unchanged too; it names `v` LIVE unless it is a frozen
	 * object (its own shadow), which then compares `v` by its values next time.
	 */
	private sameAs(p: Shadow, v: Plain): unknown {
		if (!Object.isFrozen(p)) p[LIVE] = v;
		return p;
	}

	private object(w: ByteWriter, v: Plain, prev: unknown): unknown {
		const p = asPlain(prev) as Shadow | undefined;
		// A frozen object written here before (a connection's flow, shared by every read): unchanged, by its identity
		// alone. It is its own shadow when its values are all plain (below), else its shadow names it LIVE.
		const frozen = Object.isFrozen(v);
		if (p !== undefined && frozen && (p === v || p[LIVE] === v)) {
			if (this.keysOf.get(v)!.watched) this.saw(v[this.watch!.key]);
			w.u8(SAME);
			return prev;
		}
		let info = this.keysOf.get(v);
		if (!info) {
			const proto = Object.getPrototypeOf(v) as unknown;
			if (proto !== Object.prototype && proto !== null) throw new RecordingError(`a ${(v.constructor as { name?: string } | undefined)?.name ?? 'object'} cannot be recorded`);
			const keys = Object.keys(v);
			const flat = frozen && keys.every((key) => typeof v[key] !== 'object' || v[key] === null);
			const shape = keys.join('\0');
			// One record per shape (flat or not), shared: 20,000 flows held 20,000 lists of their keys and joined shapes.
			const id = `${flat ? 'f' : 'o'}${shape}`;
			info = this.shapes.get(id);
			if (!info) this.shapes.set(id, (info = { keys, shape, watched: this.watch !== undefined && keys.includes(this.watch.key), flat }));
			this.keysOf.set(v, info);
		}
		const { keys, shape, flat } = info;
		if (info.watched) this.saw(v[this.watch!.key]);
		// A shadow that is a frozen live object has its keys where every written object's are.
		const sameKeys = p !== undefined && (p[KEYS] ?? this.keysOf.get(p))?.shape === shape;
		// An object of plain values all as before: SAME, nothing written to take back.
		if (sameKeys && keys.every((key) => {
			const x = v[key];
			return (typeof x !== 'object' || x === null) && Object.is(x, p[key]);
		})) {
			w.u8(SAME);
			return this.sameAs(p, v);
		}
		const [start, strings] = [w.length, this.strings.size];
		w.u8(OBJECT);
		this.string(w, shape);
		let same = sameKeys;
		// A frozen object of plain values is its own shadow: none is built (a full block at 10,000 flows built 20,000).
		const out = flat ? undefined : ({} as Shadow);
		for (const key of keys) {
			const before = p?.[key];
			const s = this.write(w, v[key], before);
			if (out) out[key] = s;
			if (same && !Object.is(s, before)) same = false;
		}
		if (same) {
			this.same(w, start, strings);
			return this.sameAs(p!, v);
		}
		if (!out) return v;
		out[KEYS] = info;
		out[LIVE] = v;
		return out;
	}
}

