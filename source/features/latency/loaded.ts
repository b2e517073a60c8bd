// One load of latency.bpf.o: its sampling rate (lat_tick), its gate counters (mapped lat_gate), the finished packets' ring, and the sweep of packets the hooks lost.
import { kernelHasFunction, releaseKernelBtf } from '../../../native/btf.js';
import type { BpfMap, MappedValues } from '../../../native/map.js';
import type { BpfObject } from '../../../native/object.js';
import { LITTLE_ENDIAN } from '../../../native/layouts.js';
import { RingBuffer } from '../../../native/ringbuf.js';
import { keyAt, sumLost, u16, u32, u64, u64Big, wordsU64, writeU32 } from '../../kernel/decode.js';
import { openObject } from '../../kernel/objects.js';
import type { SocketOwners } from '../../kernel/owners.js';
import * as L from './layouts.js';
import type { LatencyCounts } from './model.js';

/** The owner-stamping programs latency.bpf.o carries, for when no other object provides owners. */
const STAMPERS = ['nt_lat_own_tx', 'nt_lat_own_rx', 'nt_lat_own_st'];

/** A followed packet no hook has ended after this long is let go and counted as unmatched (docs/latency.md). */
export const STALE_MS = 10_000;

/** bpf/latency.h: lat_gate's parts. */
const [SEND, RECV, SEG] = [0, 1, 2];
type Counter = 'taken' | 'done' | 'untimed' | 'swept';

export class LoadedLatency {
	private readonly ring: RingBuffer;
	private readonly lost: BpfMap;
	/** The maps of followed packets, each with its part of lat_gate (bpf/latency.h LAT_SEND, LAT_RECV, LAT_SEG) and the gate slot of a key. */
	private readonly inflight: readonly { readonly map: BpfMap; readonly part: number; slot(key: Buffer): number }[];
	private readonly mapped: MappedValues;
	private readonly tick: BpfMap;
	/** lat_gate's values: per part GATE_SLOTS of struct nt_lat_gate. */
	private readonly gates: DataView;
	/** The same as u32 words, to add up (kernel/decode.ts wordsU64). */
	private readonly gateWords: Uint32Array;

	/** Loads and attaches the object (in its turn for the owner map): from then on its programs run on every packet. */
	static async open(owners: SocketOwners): Promise<LoadedLatency> {
		try {
			const cast = kernelHasFunction('bpf_rdonly_cast');
			return await owners.open(STAMPERS, async (join) =>
				new LoadedLatency(
					await openObject('latency', {
						// nt_lat_copy needs the kfunc bpf_rdonly_cast (Linux 6.2+); nt_lat_copy_pr does the same with a probe read.
						hooks: { copy: [...(cast ? ['nt_lat_copy'] : []), 'nt_lat_copy_pr'] },
						optional: STAMPERS,
						configure: (obj) => {
							if (!cast) obj.disable('nt_lat_copy', 'kernel has no bpf_rdonly_cast');
							join(obj);
						},
					}),
				),
			);
		} finally {
			// Loaded after the others (the tab shown): the kernel's BTF it needed is let go again, as collectors.ts does.
			releaseKernelBtf();
		}
	}

	constructor(readonly obj: BpfObject) {
		try {
			this.lost = obj.map('lat_lost');
			const bySkb = (key: Buffer) => L.skbSlot(u64Big(key, 0));
			const byPorts = (key: Buffer) => L.flowSlot(u16(key, L.latFlowKey.fields.lport.offset), u16(key, L.latFlowKey.fields.rport.offset));
			const byHash = (key: Buffer) => L.segSlot(u32(key, L.latSegKey.fields.hash.offset));
			this.inflight = [
				{ map: obj.map('lat_tx', L.latKey, L.latPacket), part: SEND, slot: bySkb },
				{ map: obj.map('lat_rxf', L.latFlowKey, L.latPacket), part: RECV, slot: byPorts },
				{ map: obj.map('lat_seg', L.latSegKey, L.latPacket), part: SEG, slot: byHash },
			];
			this.tick = obj.map('lat_tick', undefined, L.latTick);
			this.mapped = obj.map('lat_gate', undefined, L.latGate).mmap();
			this.gates = new DataView(this.mapped.buffer);
			this.gateWords = new Uint32Array(this.mapped.buffer);
			try {
				this.ring = new RingBuffer(obj.map('lat_packets'));
			} catch (error) {
				this.mapped.unmap();
				throw error;
			}
		} catch (error) {
			obj.close();
			throw error;
		}
	}

	/** Sample 1 packet in `every` at the first hook of each direction, on every CPU (0 for none). */
	set every(every: number) {
		const value = Buffer.alloc(this.tick.valueStride);
		for (let cpu = 0; cpu < this.tick.cpus; cpu++) writeU32(value, cpu * this.tick.cpuStride + L.latTick.fields.every.offset, every);
		const key = Buffer.alloc(4);
		for (const dir of [0, 1]) {
			writeU32(key, 0, dir);
			this.tick.update(key, value);
		}
	}

	/** The finished packets since the last call, oldest first (the ring's bytes: decode before the next call). */
	packets(): Buffer[] {
		return this.ring.consume();
	}

	/** Byte offset of a counter of gate slot `slot` of `part` in lat_gate. */
	private static at(part: number, slot: number, counter: Counter): number {
		return (part * L.GATE_SLOTS + slot) * L.latGate.size + L.latGate.fields[counter].offset;
	}

	/**
	 * Each direction's counters added up over its slots. A cut packet
	 * followed on by its first segment is taken by lat_tx twice: lat_seg's
	 * entries its programs ended, less those lost there, are those.
	 */
	counts(): LatencyCounts {
		const sum = (part: number, counter: Counter) => {
			let n = 0;
			for (let slot = 0; slot < L.GATE_SLOTS; slot++) n += wordsU64(this.gateWords, LoadedLatency.at(part, slot, counter) / 4);
			return n;
		};
		return {
			sampled: [sum(SEND, 'taken') - sum(SEG, 'done') + sum(SEG, 'untimed'), sum(RECV, 'taken')],
			unmatched: [sum(SEND, 'untimed') + sum(SEND, 'swept') + sum(SEG, 'swept'), sum(RECV, 'untimed') + sum(RECV, 'swept')],
		};
	}

	lostCount(): number {
		return sumLost(this.lost.readAll());
	}

	/**
	 * Lets go of followed packets no hook ended within STALE_MS of their
	 * last one (`nowNs`: CLOCK_MONOTONIC), counted as swept: only the deletes
	 * that found the entry, so the programs' in-flight test stays exact.
	 * Returns the records of cut packets whose first segment never came (for
	 * their interface's count).
	 */
	sweep(nowNs: number): Buffer[] {
		const last = L.latPacket.fields.last_ns.offset;
		const cut: Buffer[] = [];
		for (const { map, part, slot } of this.inflight) {
			const entries = map.readAll();
			for (let i = 0; i < entries.count; i++) {
				const at = i * entries.valueStride;
				if (nowNs - u64(entries.values, at + last) < STALE_MS * 1e6) continue;
				const key = Buffer.from(keyAt(entries, i));
				if (!map.delete(key)) continue;
				const offset = LoadedLatency.at(part, slot(key), 'swept');
				this.gates.setBigUint64(offset, this.gates.getBigUint64(offset, LITTLE_ENDIAN) + 1n, LITTLE_ENDIAN);
				if (part === SEG) cut.push(Buffer.from(entries.values.subarray(at, at + L.latPacket.size)));
			}
		}
		return cut;
	}

	close(): void {
		this.ring.close();
		this.mapped.unmap();
		this.obj.close();
	}
}
