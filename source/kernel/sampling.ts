// A sampled event list's rate (bpf/sample.bpf.h): how many events a second the kernel side sends, split over the CPUs.
import os from 'node:os';
import { LITTLE_ENDIAN } from '../../native/layouts.js';
import type { BpfMap } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import { sumPerCpu } from './decode.js';
import { sampleBudget } from './layouts.js';

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

/** Events the sampler left out, since load: <prefix>_budget's `sampled`, summed over the CPUs. */
export function sampledOut(budget: BpfMap): number {
	const entries = budget.readAll();
	return entries.count > 0 ? sumPerCpu(entries, 0, sampleBudget.fields.sampled) : 0;
}
