// A sampled event list's rate (bpf/sample.bpf.h): how many events a second the kernel side sends, split over the CPUs.
import os from 'node:os';
import { LITTLE_ENDIAN } from '../../native/layouts.js';
import type { BpfObject } from '../../native/object.js';

/** Each CPU's share of `total` events a second: at least 500, so events that all land on one CPU still show. */
export function eventsPerCpu(total: number, cpus = os.availableParallelism()): number {
	return Math.max(500, Math.ceil(total / cpus));
}

function u64Bytes(n: number): Uint8Array {
	const b = Buffer.alloc(8);
	b.writeBigUInt64LE(BigInt(n));
	return LITTLE_ENDIAN ? b : b.reverse();
}

/** Before load: at most `total` events a second from the object's sampler (0: every event). */
export function setEventRate(obj: BpfObject, total: number): void {
	obj.setConstant('event_interval_ns', u64Bytes(total > 0 ? Math.round(1e9 / eventsPerCpu(total)) : 0));
}
