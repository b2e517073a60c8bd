// A kernel map of per-socket monotonic counters whose entries die on the socket's close record.
import type { Layout } from '../../native/layouts.js';
import type { BpfMap, MapEntries } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import { ClosedSockets } from './closed.js';
import { sumLost, sumPerCpu } from './decode.js';
import { IdleTracker } from './idle.js';

/** A safety net behind close records: entries unchanged this long go. */
export const FLOW_IDLE_MS = 120_000;
/** After close records were lost (the ring overflowed), entries of closed sockets sit idle: retire sooner. */
export const FLOW_IDLE_AFTER_LOSS_MS = 5_000;
const LOSS_MEMORY_MS = 300_000;
const LOST_AUX = 1; // bpf/nettop.h: close records that did not fit in the ring
const U64 = { offset: 0, size: 8, type: 'u64' } as const;

export interface FlowTableSpec<T extends { cookie: number }> {
	readonly map: string;
	readonly closedRing: string;
	/** The object's PERCPU_ARRAY of lost-update counters (LOST_ENTRY, LOST_AUX, LOST_EVENT). */
	readonly lostMap: string;
	readonly key?: Layout;
	readonly value: Layout;
	/** Decodes the map; `seen` holds the last read's records by id, to reuse what did not change. */
	readonly decode: (entries: MapEntries, seen: ReadonlyMap<string | number, T>) => T[];
	/** A number that grows whenever the entry changes. */
	readonly version: (entry: T) => number;
	/** Writes the entry's map key into `key` (zeroed, key-sized). */
	readonly writeKey: (entry: T, key: Buffer) => void;
	readonly id: (entry: T) => string | number;
}

export class FlowTable<T extends { cookie: number }> {
	private readonly map: BpfMap;
	private readonly lost: BpfMap;
	private readonly closed: ClosedSockets;
	private readonly idle = new IdleTracker(FLOW_IDLE_MS);
	private readonly idleAfterLoss = new IdleTracker(FLOW_IDLE_AFTER_LOSS_MS);
	private closesLost = 0;
	private lossAt = -Infinity;
	private gone: Buffer = Buffer.alloc(0);
	private seen: ReadonlyMap<string | number, T> = new Map();

	constructor(
		obj: BpfObject,
		private readonly spec: FlowTableSpec<T>,
	) {
		this.map = obj.map(spec.map, spec.key, spec.value);
		this.lost = obj.map(spec.lostMap);
		this.closed = new ClosedSockets(obj, spec.closedRing);
	}

	/**
	 * Every live entry. Sockets closed since the last read are in it one last
	 * time with their final counts, then deleted in the kernel; entries idle
	 * for FLOW_IDLE_MS are deleted and left out (if they move again, they
	 * count from zero).
	 */
	read(now: number): { entries: T[]; lost: number } {
		const closed = this.closed.drain();
		const lost = this.lost.readAll();
		const closesLost = sumPerCpu(lost, LOST_AUX, U64);
		if (closesLost > this.closesLost) this.lossAt = now;
		this.closesLost = closesLost;
		const idle = now - this.lossAt < LOSS_MEMORY_MS ? this.idleAfterLoss : this.idle;
		const live: T[] = [];
		const gone: T[] = [];
		const decoded = this.spec.decode(this.map.readAll(), this.seen);
		const next = new Map<string | number, T>();
		for (const entry of decoded) {
			next.set(this.spec.id(entry), entry);
			if (closed.has(entry.cookie)) {
				gone.push(entry);
				live.push(entry);
			} else if (idle.stale(this.spec.id(entry), this.spec.version(entry), now)) {
				gone.push(entry);
			} else {
				live.push(entry);
			}
		}
		idle.sweep();
		for (const entry of gone) next.delete(this.spec.id(entry));
		this.seen = next;
		if (gone.length > 0) {
			const size = this.map.keySize;
			if (this.gone.length < gone.length * size) this.gone = Buffer.alloc(gone.length * size * 2);
			this.gone.fill(0, 0, gone.length * size);
			gone.forEach((entry, i) => this.spec.writeKey(entry, this.gone.subarray(i * size, (i + 1) * size)));
			this.map.deleteMany(this.gone, gone.length);
		}
		return { entries: live, lost: sumLost(lost) };
	}

	close(): void {
		this.closed.close();
	}
}
