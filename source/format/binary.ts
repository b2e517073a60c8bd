// Bytes in and out for recordings (issue 31): a growable writer and a bounds-checked reader of little-endian fields and varints.

/** A recording that cannot be read as written: one line that says where. */
export class RecordingError extends Error {
	override name = 'RecordingError';
}

/** Whole numbers up to 2^53-1 take 1-8 bytes of 7 bits each, low first; the eighth byte holds the last 4 bits. */
const MAX_VARINT_BYTES = 8;

/** Fields appended to a buffer that doubles as it fills. */
export class ByteWriter {
	private buf: Buffer;
	private at = 0;

	constructor(size = 256) {
		this.buf = Buffer.allocUnsafe(size);
	}

	get length(): number {
		return this.at;
	}

	private room(n: number): void {
		if (this.at + n <= this.buf.length) return;
		const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
		this.buf.copy(grown, 0, 0, this.at);
		this.buf = grown;
	}

	u8(n: number): this {
		this.room(1);
		this.buf[this.at++] = n;
		return this;
	}

	u32(n: number): this {
		this.room(4);
		this.buf.writeUInt32LE(n, this.at);
		this.at += 4;
		return this;
	}

	f64(n: number): this {
		this.room(8);
		this.buf.writeDoubleLE(n, this.at);
		this.at += 8;
		return this;
	}

	/** A whole number from 0 to 2^53-1. */
	varint(n: number): this {
		// Most are under 128 (a delta, a small count): one byte, no other check needed.
		if (n >= 0 && n < 0x80 && (n | 0) === n) {
			this.room(1);
			this.buf[this.at++] = n;
			return this;
		}
		if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint: ${n} is not a whole number from 0 to 2^53-1`);
		this.room(MAX_VARINT_BYTES);
		while (n >= 0x80) {
			this.buf[this.at++] = (n % 0x80) | 0x80;
			n = Math.floor(n / 0x80);
		}
		this.buf[this.at++] = n;
		return this;
	}

	/** A whole number from -2^52 to 2^52-1 (a delta): 0, -1, 1, -2... as 0, 1, 2, 3... */
	zigzag(n: number): this {
		if (!Number.isInteger(n) || n < -(2 ** 52) || n >= 2 ** 52) throw new RangeError(`zigzag: ${n} is not a whole number from -2^52 to 2^52-1`);
		return this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
	}

	/** Text as UTF-8, its byte length first. */
	utf8(text: string): this {
		const n = Buffer.byteLength(text);
		this.varint(n);
		this.room(n);
		this.at += this.buf.write(text, this.at, 'utf8');
		return this;
	}

	/** Bytes as they are, their length first. */
	bytes(data: Uint8Array): this {
		this.varint(data.length);
		return this.raw(data);
	}

	/** Bytes as they are, no length. */
	raw(data: Uint8Array): this {
		this.room(data.length);
		this.buf.set(data, this.at);
		this.at += data.length;
		return this;
	}

	/** Drops what was written after the first `length` bytes. */
	truncate(length: number): this {
		if (length > this.at || length < 0) throw new RangeError(`truncate: ${length} is outside 0-${this.at}`);
		this.at = length;
		return this;
	}

	/** What was written so far, as a view that the next write may change. */
	view(): Buffer {
		return this.buf.subarray(0, this.at);
	}

	/** What was written, as a buffer of its own. */
	finish(): Buffer {
		return Buffer.from(this.buf.subarray(0, this.at));
	}
}

/** Fields read in turn from bytes; reading past their end, or a malformed varint, throws a RecordingError naming `what` and the offset. */
export class ByteReader {
	private readonly view: DataView;
	private at: number;

	constructor(
		private readonly data: Uint8Array,
		private readonly what = 'block',
		start = 0,
	) {
		this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
		this.at = start;
	}

	get offset(): number {
		return this.at;
	}

	get left(): number {
		return this.data.length - this.at;
	}

	private need(n: number): number {
		if (this.at + n > this.data.length) throw new RecordingError(`${this.what} ends at byte ${this.data.length}, ${n} more needed at ${this.at}`);
		const at = this.at;
		this.at += n;
		return at;
	}

	u8(): number {
		return this.data[this.need(1)]!;
	}

	u32(): number {
		return this.view.getUint32(this.need(4), true);
	}

	f64(): number {
		return this.view.getFloat64(this.need(8), true);
	}

	varint(): number {
		const start = this.at;
		let n = 0;
		let scale = 1;
		for (let k = 0; k < MAX_VARINT_BYTES; k++) {
			const b = this.u8();
			n += (b & 0x7f) * scale;
			if (b < 0x80) {
				if (!Number.isSafeInteger(n)) break;
				return n;
			}
			scale *= 0x80;
		}
		throw new RecordingError(`${this.what}: a number at byte ${start} is longer than 2^53-1`);
	}

	zigzag(): number {
		const z = this.varint();
		return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
	}

	utf8(): string {
		const n = this.varint();
		const at = this.need(n);
		return Buffer.from(this.data.buffer, this.data.byteOffset + at, n).toString('utf8');
	}

	/** Bytes with their length first: a view of the data, not a copy. */
	bytes(): Uint8Array {
		return this.raw(this.varint());
	}

	/** The next `n` bytes: a view of the data, not a copy. */
	raw(n: number): Uint8Array {
		const at = this.need(n);
		return this.data.subarray(at, at + n);
	}
}
