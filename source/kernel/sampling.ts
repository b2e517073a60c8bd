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

/** Before load: at most `total` events a second from the object's sampler (0: every event), and its ring (`ring.map`, of `ring.eventBytes` records) sized for that rate. */
export function setEventRate(obj: BpfObject, total: number, ring: { readonly map: string; readonly eventBytes: number }): void {
	obj.setConstant('event_interval_ns', u64Bytes(total > 0 ? Math.round(1e9 / eventsPerCpu(total)) : 0));
	const bytes = sampledRingBytes(total, ring.eventBytes);
	if (bytes !== undefined) obj.setMapSize(ring.map, bytes);
}

/** Events the sampler left out, since load: <prefix>_budget's `sampled`, summed over the CPUs. */
export function sampledOut(budget: BpfMap): number {
	const entries = budget.readAll();
	return entries.count > 0 ? sumPerCpu(entries, 0, sampleBudget.fields.sampled) : 0;
}

/** A ring's record: the event and libbpf's 8-byte header, 8-aligned. */
export function ringRecordBytes(eventBytes: number): number {
	return Math.ceil((eventBytes + 8) / 8) * 8;
}

/**
 * The size of a sampled list's ring (a power of 2, at least a page): the
 * second's worth the sampler saves up, and a second more of its rate, so a
 * drain (native/ringbuf.ts, every DRAIN_MS) up to a second late loses
 * nothing. undefined for every event (`total` 0): the object's own size.
 */
export function sampledRingBytes(total: number, eventBytes: number, cpus = os.availableParallelism()): number | undefined {
	if (total <= 0) return undefined;
	const need = 2 * cpus * eventsPerCpu(total, cpus) * ringRecordBytes(eventBytes);
	return 2 ** Math.max(12, Math.ceil(Math.log2(need)));
}
