// One load of latency.bpf.o: its sampling rate and counters (mapped lat_ctl), the finished packets' ring, and the sweep of packets the hooks lost.
import type { BpfMap, MappedValues } from '../../../native/map.js';
import type { BpfObject } from '../../../native/object.js';
import { LITTLE_ENDIAN } from '../../../native/layouts.js';
import { RingBuffer } from '../../../native/ringbuf.js';
import { keyAt, sumLost, u64 } from '../../kernel/decode.js';
import { openObject } from '../../kernel/objects.js';
import type { SocketOwners } from '../../kernel/owners.js';
import * as L from './layouts.js';
import type { LatencyCounts } from './model.js';

/** The owner-stamping programs latency.bpf.o carries, for when no other object provides owners. */
const STAMPERS = ['nt_lat_own_tx', 'nt_lat_own_rx', 'nt_lat_own_st'];

/** A followed packet no hook has ended after this long is let go and counted as unmatched (docs/latency.md). */
export const STALE_MS = 10_000;

export class LoadedLatency {
	private readonly ring: RingBuffer;
	private readonly lost: BpfMap;
	private readonly inflight: readonly [BpfMap, BpfMap];
	private readonly mapped: MappedValues;
	private readonly ctl: DataView;

	/** Loads and attaches the object (in its turn for the owner map): from then on its programs run on every packet. */
	static open(owners: SocketOwners): Promise<LoadedLatency> {
		return owners.open(STAMPERS, async (join) => new LoadedLatency(await openObject('latency', { optional: STAMPERS, configure: join })));
	}

	constructor(readonly obj: BpfObject) {
		let mapped: MappedValues | undefined;
		try {
			this.lost = obj.map('lat_lost');
			this.inflight = [obj.map('lat_tx', L.latKey, L.latPacket), obj.map('lat_rx', L.latKey, L.latPacket)];
			this.mapped = mapped = obj.map('lat_ctl', undefined, L.latCtl).mmap(1);
			this.ctl = new DataView(this.mapped.buffer);
			this.ring = new RingBuffer(obj.map('lat_packets'));
		} catch (error) {
			mapped?.unmap();
			obj.close();
			throw error;
		}
	}

	/** Sample 1 packet in `every` at the first hook of each direction. */
	set every(every: number) {
		this.ctl.setUint32(L.latCtl.fields.every.offset, every, LITTLE_ENDIAN);
	}

	/** The finished packets since the last call, oldest first (the ring's bytes: decode before the next call). */
	packets(): Buffer[] {
		return this.ring.consume();
	}

	counts(): LatencyCounts {
		const f = L.latCtl.fields;
		const at = (offset: number, dir: number) => Number(this.ctl.getBigUint64(offset + dir * 8, LITTLE_ENDIAN));
		const pair = (g: (dir: number) => number): [number, number] => [g(0), g(1)];
		return {
			sampled: pair((d) => at(f.taken.offset, d)),
			unmatched: pair((d) => at(f.replaced.offset, d) + at(f.swept.offset, d)),
		};
	}

	lostCount(): number {
		return sumLost(this.lost.readAll());
	}

	/**
	 * Lets go of followed packets no hook ended within STALE_MS of their
	 * last one (`nowNs`: CLOCK_MONOTONIC), counted as swept: only the deletes
	 * that found the entry, so the programs' in-flight test stays exact.
	 */
	sweep(nowNs: number): void {
		const last = L.latPacket.fields.last_ns.offset;
		this.inflight.forEach((map, dir) => {
			const entries = map.readAll();
			let swept = 0;
			for (let i = 0; i < entries.count; i++) {
				if (nowNs - u64(entries.values, i * entries.valueStride + last) < STALE_MS * 1e6) continue;
				if (map.delete(Buffer.from(keyAt(entries, i)))) swept++;
			}
			if (swept === 0) return;
			const offset = L.latCtl.fields.swept.offset + dir * 8;
			this.ctl.setBigUint64(offset, this.ctl.getBigUint64(offset, LITTLE_ENDIAN) + BigInt(swept), LITTLE_ENDIAN);
		});
	}

	close(): void {
		this.ring.close();
		this.mapped.unmap();
		this.obj.close();
	}
}
