// A kernel map of per-socket monotonic counters whose entries die on the socket's close record.
import type { Layout } from '../../native/layouts.js';
import type { BpfMap, MapEntries } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import { ClosedSockets } from './closed.js';
import { IdleTracker } from './idle.js';

/** A safety net behind close records (lost when the ring was full): entries unchanged this long go. */
export const FLOW_IDLE_MS = 120_000;

export interface FlowTableSpec<T extends { cookie: number }> {
	readonly map: string;
	readonly closedRing: string;
	readonly key?: Layout;
	readonly value: Layout;
	readonly decode: (entries: MapEntries) => T[];
	/** A number that grows whenever the entry changes. */
	readonly version: (entry: T) => number;
	/** Writes the entry's map key into `key` (zeroed, key-sized). */
	readonly writeKey: (entry: T, key: Buffer) => void;
	readonly id: (entry: T) => string;
}

export class FlowTable<T extends { cookie: number }> {
	private readonly map: BpfMap;
	private readonly closed: ClosedSockets;
	private readonly idle = new IdleTracker(FLOW_IDLE_MS);
	private readonly key: Buffer;

	constructor(
		obj: BpfObject,
		private readonly spec: FlowTableSpec<T>,
	) {
		this.map = obj.map(spec.map, spec.key, spec.value);
		this.key = Buffer.alloc(this.map.keySize);
		this.closed = new ClosedSockets(obj, spec.closedRing);
	}

	/**
	 * Every live entry. Sockets closed since the last read are in it one last
	 * time with their final counts, then deleted in the kernel; entries idle
	 * for FLOW_IDLE_MS are deleted and left out (if they move again, they
	 * count from zero).
	 */
	read(now: number): T[] {
		const closed = this.closed.drain();
		const live: T[] = [];
		const gone: T[] = [];
		for (const entry of this.spec.decode(this.map.readAll())) {
			if (closed.has(entry.cookie)) {
				gone.push(entry);
				live.push(entry);
			} else if (this.idle.stale(this.spec.id(entry), this.spec.version(entry), now)) {
				gone.push(entry);
			} else {
				live.push(entry);
			}
		}
		this.idle.sweep();
		for (const entry of gone) {
			this.key.fill(0);
			this.spec.writeKey(entry, this.key);
			this.map.delete(this.key);
		}
		return live;
	}

	close(): void {
		this.closed.close();
	}
}
