// The value codec's vocabulary (recording/value.ts writes, value-decoder.ts reads): tags, typed array kinds, limits.

/** Tags: the first byte of every value. SAME: equal to the value at the same place in the block before. */
export const SAME = 0;
export const UNDEFINED = 1;
export const NULL = 2;
export const FALSE = 3;
export const TRUE = 4;
/** A whole number, zigzag. */
export const INT = 5;
/** A whole number as its difference from the number before, zigzag. */
export const DELTA = 6;
export const F64 = 7;
/** A string new to the epoch (UTF-8), then known by its number. */
export const STRING = 8;
export const STRING_REF = 9;
export const ARRAY = 10;
export const TYPED = 11;
export const MAP = 12;
export const OBJECT = 13;

/** Typed arrays by kind number; an element type the table lacks cannot be recorded. */
export const TYPED_KINDS = [Float64Array, Uint32Array, Int32Array, Uint8Array, Uint16Array, Int16Array, Int8Array, Float32Array] as const;
export type Typed = InstanceType<(typeof TYPED_KINDS)[number]>;
/** Kinds whose elements may be fractions: written as differences only when every element is whole. */
export const FRACTIONAL = new Set([0, 7]);
/** How a typed array's elements follow its kind: differences from the array before, or the bytes as they are. */
export const TYPED_DELTAS = 0;
export const TYPED_RAW = 1;

/** Differences and whole numbers up to this magnitude fit a zigzag varint. */
export const ZIGZAG_LIMIT = 2 ** 52;

export type Plain = Record<string, unknown>;

/** A plain object (not an array, Map or typed array), else undefined: both ends classify the value before alike. */
export function asPlain(v: unknown): Plain | undefined {
	return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && !ArrayBuffer.isView(v) ? (v as Plain) : undefined;
}

export function typedKind(v: ArrayBufferView): number {
	for (let i = 0; i < TYPED_KINDS.length; i++) if (v.constructor === TYPED_KINDS[i]) return i;
	return -1;
}

export function sameTyped(a: Typed, b: Typed): boolean {
	if (a.length !== b.length) return false;
	// A loop, not every(): 10,000 flows' counters are compared each interval.
	for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
	return true;
}

