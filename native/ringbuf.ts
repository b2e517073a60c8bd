// RingBuffer: consume a BPF_MAP_TYPE_RINGBUF map's records without blocking, drained between reads so the ring need only hold a fraction of an interval.
import { checkPtr } from './errors.js';
import { koffi, lib, SampleFn, type Ptr } from './libbpf.js';
import type { BpfMap } from './map.js';

/**
 * How often every open ring is drained into its pending records, between
 * the reads of its collector. A ring then needs to hold what arrives in
 * this time (and in the longest the event loop is late), not in an
 * interval: its pages are resident from the start, mapped twice
 * (docs/performance.md), so its size is memory nettop holds for good.
 */
export const DRAIN_MS = 250;

/**
 * Records are copied into chunks of this size and handed out as views of
 * them: one memcpy a record. An ArrayBuffer made over the ring's memory
 * (koffi.view) and copied cost 2-3 us a record, 0.4-0.6 with memcpy: under
 * a churn, thousands of records a second (docs/performance.md). A chunk is
 * never written again once full, so a record stays as it was.
 */
const CHUNK_BYTES = 256 * 1024;

const open = new Set<RingBuffer>();
let drainer: NodeJS.Timeout | undefined;

function drainAll(): void {
	for (const ring of open) ring.drain();
}

/**
 * ring_buffer__new over one map. drain() runs ring_buffer__consume, which
 * calls back once per record synchronously; each record is copied out before
 * libbpf releases it, and kept until consume() hands it over. While any ring
 * is open, a timer drains them all every DRAIN_MS. At most `maxPending`
 * records wait: past that they stay in the ring, which fills, and the
 * kernel side counts what it refuses.
 */
export class RingBuffer {
	private handle: bigint | null;
	private readonly callback: bigint;
	private pending: Buffer[] = [];
	private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
	private chunkAt = 0;

	constructor(
		map: BpfMap,
		private readonly maxPending = 65536,
	) {
		this.callback = koffi.register((_ctx: bigint, data: bigint, size: number | bigint) => {
			// A copy: `data` is the ring's own memory, which the kernel reuses once the record is released.
			const n = Number(size);
			if (this.chunkAt + n > this.chunk.length) {
				this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, n));
				this.chunkAt = 0;
			}
			const record = this.chunk.subarray(this.chunkAt, this.chunkAt + n);
			lib().memcpy(record, data, n);
			// 8-aligned, as in the ring: readers of u64 fields get aligned views.
			this.chunkAt += Math.ceil(n / 8) * 8;
			this.pending.push(record);
			// A positive return stops ring_buffer__consume early.
			return this.pending.length >= this.maxPending ? 1 : 0;
		}, koffi.pointer(SampleFn));
		try {
			this.handle = checkPtr('ring_buffer__new', lib().ring_buffer__new(map.fd, this.callback, null, null), map.name);
		} catch (error) {
			koffi.unregister(this.callback);
			throw error;
		}
		open.add(this);
		drainer ??= setInterval(drainAll, DRAIN_MS).unref();
	}

	/** ring_buffer__consume into the pending records, up to maxPending. */
	drain(): void {
		if (this.handle === null || this.pending.length >= this.maxPending) return;
		lib().ring_buffer__consume(this.handle);
	}

	/** Every record since the last call, oldest first: those drained meanwhile, then what the ring holds now. */
	consume(): Buffer[] {
		this.drain();
		const out = this.pending;
		this.pending = [];
		return out;
	}

	/** ring_buffer__free, then releases the callback. Safe to call twice. */
	close(): void {
		if (this.handle === null) return;
		lib().ring_buffer__free(this.handle);
		this.handle = null;
		koffi.unregister(this.callback);
		this.pending = [];
		open.delete(this);
		if (open.size === 0 && drainer) {
			clearInterval(drainer);
			drainer = undefined;
		}
	}
}
