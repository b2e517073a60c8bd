// The close records of a TCP object: cookies of sockets the kernel destroyed since the last read.
import type { BpfObject } from '../../native/object.js';
import { RingBuffer } from '../../native/ringbuf.js';
import { u64 } from './decode.js';

export class ClosedSockets {
	private readonly ring: RingBuffer;

	constructor(obj: BpfObject, map: string) {
		this.ring = new RingBuffer(obj.map(map));
	}

	/** Cookies of sockets destroyed since the last call. */
	drain(): Set<number> {
		const out = new Set<number>();
		for (const record of this.ring.consume()) out.add(u64(record, 0));
		return out;
	}

	close(): void {
		this.ring.close();
	}
}
