// Reads the value codec's blocks (recording/value.ts): each value against the one decoded at its place before.
import { ByteReader, RecordingError } from '../format/binary.js';
import { ARRAY, asPlain, DELTA, F64, FALSE, INT, MAP, NULL, OBJECT, type Plain, SAME, STRING, STRING_REF, TRUE, TYPED, type Typed, TYPED_DELTAS, TYPED_KINDS, TYPED_RAW, UNDEFINED } from './value-tags.js';

/** Reads what ValueEncoder wrote, given the value decoded at the same place in the block before. */
export class ValueDecoder {
	private strings: string[] = [];
	private readonly keyLists = new Map<string, readonly string[]>();

	/** A new epoch: its strings start over. */
	reset(): void {
		this.strings = [];
	}

	read(r: ByteReader, prev: unknown): unknown {
		const at = r.offset;
		const tag = r.u8();
		switch (tag) {
			case SAME:
				return prev;
			case UNDEFINED:
				return undefined;
			case NULL:
				return null;
			case FALSE:
				return false;
			case TRUE:
				return true;
			case INT:
				return r.zigzag();
			case DELTA:
				if (typeof prev !== 'number') throw new RecordingError(`a difference at byte ${at} has no number before it`);
				return prev + r.zigzag();
			case F64:
				return r.f64();
			case STRING: {
				const s = r.utf8();
				this.strings.push(s);
				return s;
			}
			case STRING_REF:
				return this.stringRef(r);
			case ARRAY: {
				const p = Array.isArray(prev) ? prev : undefined;
				const n = this.count(r, 1);
				const out = new Array<unknown>(n);
				for (let i = 0; i < n; i++) out[i] = this.read(r, p?.[i]);
				return out;
			}
			case TYPED:
				return this.typed(r, prev, at);
			case MAP: {
				const p = prev instanceof Map ? (prev as Map<unknown, unknown>) : undefined;
				const n = this.count(r, 2);
				const out = new Map<unknown, unknown>();
				for (let i = 0; i < n; i++) {
					const k = this.read(r, undefined);
					out.set(k, this.read(r, p?.get(k)));
				}
				return out;
			}
			case OBJECT: {
				const p = asPlain(prev);
				const keys = this.keys(r);
				const out: Plain = {};
				for (const key of keys) out[key] = this.read(r, p?.[key]);
				return out;
			}
			default:
				throw new RecordingError(`an unknown value (tag ${tag}) at byte ${at}`);
		}
	}

	/** A count of things each at least `bytes` long: more than the block holds is damage, not a reason to allocate. */
	private count(r: ByteReader, bytes: number): number {
		const at = r.offset;
		const n = r.varint();
		if (n * bytes > r.left) throw new RecordingError(`a count of ${n} at byte ${at} is more than the block holds`);
		return n;
	}

	private stringRef(r: ByteReader): string {
		const at = r.offset;
		const s = this.strings[r.varint()];
		if (s === undefined) throw new RecordingError(`a string at byte ${at} that the block never wrote`);
		return s;
	}

	private keys(r: ByteReader): readonly string[] {
		const at = r.offset;
		const tag = r.u8();
		let shape: string;
		if (tag === STRING) {
			shape = r.utf8();
			this.strings.push(shape);
		} else if (tag === STRING_REF) {
			shape = this.stringRef(r);
		} else {
			throw new RecordingError(`an object at byte ${at} without its keys`);
		}
		let keys = this.keyLists.get(shape);
		if (!keys) this.keyLists.set(shape, (keys = shape === '' ? [] : shape.split('\0')));
		return keys;
	}

	private typed(r: ByteReader, prev: unknown, at: number): Typed {
		const kind = r.u8();
		const Kind = TYPED_KINDS[kind];
		if (!Kind) throw new RecordingError(`an unknown array kind ${kind} at byte ${at}`);
		const n = this.count(r, 0);
		const mode = r.u8();
		if (mode === TYPED_RAW) {
			const bytes = r.raw(n * Kind.BYTES_PER_ELEMENT);
			const out = new Kind(n);
			new Uint8Array(out.buffer).set(bytes);
			return out;
		}
		if (mode !== TYPED_DELTAS) throw new RecordingError(`an unknown array mode ${mode} at byte ${at}`);
		if (n > r.left) throw new RecordingError(`an array of ${n} at byte ${at} is more than the block holds`);
		const p = ArrayBuffer.isView(prev) && prev.constructor === Kind ? (prev as Typed) : undefined;
		const out = new Kind(n);
		for (let i = 0; i < n; i++) out[i] = (p !== undefined && i < p.length ? p[i]! : 0) + r.zigzag();
		return out;
	}
}
