// RingBuffer: consume a BPF_MAP_TYPE_RINGBUF map's records without blocking.
import { checkPtr } from './errors.js';
import { koffi, lib, SampleFn, type Ptr } from './libbpf.js';
import type { BpfMap } from './map.js';

/**
 * ring_buffer__new over one map. consume() runs ring_buffer__consume, which
 * calls back once per record synchronously; each record is copied out before
 * libbpf releases it. Records past `maxPerConsume` in one call stay for the next.
 */
export class RingBuffer {
	private handle: bigint | null;
	private readonly callback: bigint;
	private batch: Buffer[] = [];

	constructor(
		map: BpfMap,
		private readonly maxPerConsume = 65536,
	) {
		this.callback = koffi.register((_ctx: bigint, data: bigint, size: number | bigint) => {
			// A copy: koffi.view() is the ring's own memory, which the kernel reuses once the record is released.
			this.batch.push(Buffer.from(new Uint8Array(koffi.view(data, Number(size)))));
			// A positive return stops ring_buffer__consume early.
			return this.batch.length >= this.maxPerConsume ? 1 : 0;
		}, koffi.pointer(SampleFn));
		try {
			this.handle = checkPtr('ring_buffer__new', lib().ring_buffer__new(map.fd, this.callback, null, null), map.name);
		} catch (error) {
			koffi.unregister(this.callback);
			throw error;
		}
	}

	/** ring_buffer__consume: every record available now, oldest first. */
	consume(): Buffer[] {
		if (this.handle === null) return [];
		this.batch = [];
		lib().ring_buffer__consume(this.handle);
		return this.batch;
	}

	/** ring_buffer__free, then releases the callback. Safe to call twice. */
	close(): void {
		if (this.handle === null) return;
		lib().ring_buffer__free(this.handle);
		this.handle = null;
		koffi.unregister(this.callback);
	}
}
