// A slot table (bpf/nettop.h): per-flow values in a BPF_F_MMAPABLE array, read in place, slots freed by userspace.
import { LITTLE_ENDIAN, type Layout } from '../../native/layouts.js';
import type { BpfMap, MappedValues } from '../../native/map.js';
import type { BpfIterator } from '../../native/iterator.js';
import type { BpfObject } from '../../native/object.js';
import { sumLost } from './decode.js';
import { enlarged } from './frames.js';
import * as L from './layouts.js';

/** A safety net behind the close flag: slots unchanged this long are freed (a socket idle that long counts from zero again). */
const FLOW_IDLE_MS = 120_000;
/** How often, at most, the sweep runs; only while some slot has been unchanged SWEEP_STALE_MS (docs/kernels.md). */
export const SWEEP_MS = 5_000;
/** A slot whose socket the sweep did not find is freed once unchanged this long (see SlotTable's sweeper). */
export const SWEEP_STALE_MS = 10_000;
/** Slots mapped at first; the mapping grows with the slots the kernel has used. */
const FIRST_MAPPED = 4096;
const TWO_32 = 2 ** 32;
const ORPHAN = 0xffffffff; // SLOT_ORPHAN: both halves all ones
// struct nt_slot_ctl, as u32 indexes
const NEXT = L.slotCtl.fields.next.offset / 4;
const FREE_TAIL = L.slotCtl.fields.free_tail.offset / 4;

export interface SlotTableSpec {
	/** The prefix of the object's <prefix>_vals, _free, _ctl, _sk and _lost maps (bpf/slots.bpf.h SLOT_TABLE), and of its sweep program nt_<prefix>_sweep. */
	readonly prefix: string;
	/** The value layout: a u64 `cookie` first and a u32 `closed` field. */
	readonly value: Layout<'cookie' | 'closed'>;
	/** A number that grows whenever slot `s` changes (its counters), read from `words`. */
	readonly version: (words: Uint32Array, s: number) => number;
	/** Called with the slots about to be freed (their values still readable), before they are. */
	readonly retire?: (slots: Uint32Array, count: number) => void;
}

/** The live slots of one scan, ascending: `slots[0..count)`. */
export interface SlotScan {
	readonly count: number;
	readonly slots: Uint32Array;
	/** The mapped values as u32 words (host order); slot s starts at s * wordsPerSlot. */
	readonly words: Uint32Array;
	readonly wordsPerSlot: number;
	readonly lost: number;
}

export class SlotTable {
	/** The mapped values: replaced when the mapping grows, so read them anew after each scan(). */
	words: Uint32Array;
	bytes: Buffer;
	readonly wordsPerSlot: number;
	readonly capacity: number;
	private readonly vals: BpfMap;
	private values: MappedValues;
	private mappedSlots: number;
	private readonly ctlMapping: MappedValues;
	private readonly freeMapping: MappedValues;
	private readonly ctl: Uint32Array;
	private readonly freeRing: Uint32Array;
	private readonly freeStep: number;
	private readonly closedWord: number;
	private readonly lost: BpfMap;
	// Per slot: the cookie last seen in it, its version, and when that last changed.
	private occupant = new Float64Array(0);
	private version = new Float64Array(0);
	private changedAt = new Float64Array(0);
	private live = new Uint32Array(0);
	private retiring = new Uint32Array(0);
	private retiringCount = 0;
	/**
	 * The sweep: nt_<prefix>_sweep (bpf/slots.bpf.h SWEEP_PROGRAM), an iterator
	 * over the table's socket storage that writes the slot of every socket
	 * still alive, as u32s. A slot it leaves out, unchanged for SWEEP_STALE_MS,
	 * is freed: its socket is gone and its close went unseen (docs/kernels.md).
	 * Where the kernel has no such iterator, such a slot waits FLOW_IDLE_MS.
	 */
	private readonly sweeper: BpfIterator | undefined;
	// Per slot: the number of the last sweep that found its socket alive.
	private alive = new Uint32Array(0);
	private sweeps = 0;
	private sweptAt = -Infinity;
	/** Slots the last scan found unchanged for SWEEP_STALE_MS and kept: the sweep runs only while there are some. */
	private stale = 0;

	constructor(
		obj: BpfObject,
		private readonly spec: SlotTableSpec,
	) {
		// First: its link goes with the object, while the mappings below are undone by hand on failure.
		const sweep = `nt_${spec.prefix}_sweep`;
		this.sweeper = obj.enabled(sweep) ? obj.iterator(sweep, obj.map(`${spec.prefix}_sk`, undefined, L.slotRef)) : undefined;
		this.vals = obj.map(`${spec.prefix}_vals`, undefined, spec.value);
		this.lost = obj.map(`${spec.prefix}_lost`);
		const ctl = obj.map(`${spec.prefix}_ctl`, undefined, L.slotCtl);
		const free = obj.map(`${spec.prefix}_free`);
		this.capacity = this.vals.maxEntries;
		this.ctlMapping = ctl.mmap();
		try {
			this.freeMapping = free.mmap();
			try {
				this.mappedSlots = Math.min(this.capacity, FIRST_MAPPED);
				this.values = this.vals.mmap(this.mappedSlots);
			} catch (error) {
				this.freeMapping.unmap();
				throw error;
			}
		} catch (error) {
			this.ctlMapping.unmap();
			throw error;
		}
		this.ctl = new Uint32Array(this.ctlMapping.buffer, 0, 4);
		this.freeRing = new Uint32Array(this.freeMapping.buffer);
		this.freeStep = this.freeMapping.stride / 4; // array values are 8-byte aligned: one u32 every 8 bytes
		this.wordsPerSlot = this.values.stride / 4;
		this.closedWord = spec.value.fields.closed.offset / 4;
		this.words = new Uint32Array(this.values.buffer);
		this.bytes = Buffer.from(this.values.buffer);
	}

	/**
	 * The live slots. Closed ones are in it one last time with their final
	 * values; they, slots idle for FLOW_IDLE_MS (left out) and orphans are
	 * freed by release(), once the caller has read them.
	 */
	scan(now: number): SlotScan {
		const lost = sumLost(this.lost.readAll());
		const used = Math.min(Atomics.load(this.ctl, NEXT), this.capacity);
		this.reserve(used);
		const swept = this.stale > 0 && this.sweep(now);
		const { words, wordsPerSlot: step, closedWord, occupant, version, changedAt, live, retiring, alive, sweeps } = this;
		let count = 0;
		let gone = 0;
		let stale = 0;
		for (let s = 0, base = 0; s < used; s++, base += step) {
			const lo = words[base]!;
			const hi = words[base + 1]!;
			if (lo === 0 && hi === 0) continue; // free
			if (lo === ORPHAN && hi === ORPHAN) {
				retiring[gone++] = s;
				continue;
			}
			const cookie = LITTLE_ENDIAN ? hi * TWO_32 + lo : lo * TWO_32 + hi;
			const v = this.spec.version(words, s);
			if (occupant[s] !== cookie || version[s] !== v) {
				occupant[s] = cookie;
				version[s] = v;
				changedAt[s] = now;
			} else if (now - changedAt[s]! >= SWEEP_STALE_MS) {
				if (now - changedAt[s]! >= FLOW_IDLE_MS || (swept && alive[s] !== sweeps)) {
					retiring[gone++] = s; // idle, or its socket gone: freed, left out (nothing new to report)
					continue;
				}
				stale++;
			}
			live[count++] = s;
			if (words[base + closedWord] !== 0) retiring[gone++] = s;
		}
		this.retiringCount = gone;
		this.stale = stale;
		return { count, slots: live, words, wordsPerSlot: step, lost };
	}

	/** Frees the slots the last scan retired: the kernel may reuse them from now on. */
	release(): void {
		const n = this.retiringCount;
		if (n === 0) return;
		this.retiringCount = 0;
		this.spec.retire?.(this.retiring, n);
		let tail = this.ctl[FREE_TAIL]!;
		const mask = this.capacity - 1;
		for (let i = 0; i < n; i++) {
			const s = this.retiring[i]!;
			const base = s * this.wordsPerSlot;
			Atomics.store(this.words, base, 0);
			Atomics.store(this.words, base + 1, 0);
			this.occupant[s] = 0;
			this.freeRing[(tail & mask) * this.freeStep] = s;
			tail = (tail + 1) >>> 0;
		}
		Atomics.store(this.ctl, FREE_TAIL, tail); // after the ring entries: the kernel reads them once tail moves
	}

	close(): void {
		this.values.unmap();
		this.freeMapping.unmap();
		this.ctlMapping.unmap();
	}

	/** Runs the sweep when it is due; true when it ran (alive[] then holds this sweep's number for every live socket's slot). */
	private sweep(now: number): boolean {
		if (!this.sweeper || now - this.sweptAt < SWEEP_MS) return false;
		const found = this.sweeper.read();
		this.sweptAt = now;
		const n = ++this.sweeps;
		const { alive } = this;
		for (let at = 0; at + 4 <= found.length; at += 4) {
			const s = LITTLE_ENDIAN ? found.readUInt32LE(at) : found.readUInt32BE(at);
			if (s < alive.length) alive[s] = n;
		}
		return true;
	}

	/** Maps and tracks at least `used` slots. */
	private reserve(used: number): void {
		if (used > this.mappedSlots) {
			const slots = Math.min(this.capacity, Math.max(used, this.mappedSlots * 2));
			const values = this.vals.mmap(slots);
			this.values.unmap();
			this.values = values;
			this.mappedSlots = slots;
			this.words = new Uint32Array(values.buffer);
			this.bytes = Buffer.from(values.buffer);
		}
		if (this.live.length >= used) return;
		const size = Math.min(this.capacity, Math.max(used, this.live.length * 2, 1024));
		this.occupant = enlarged(this.occupant, size);
		this.version = enlarged(this.version, size);
		this.changedAt = enlarged(this.changedAt, size);
		this.alive = enlarged(this.alive, size);
		this.live = new Uint32Array(size);
		this.retiring = new Uint32Array(size);
	}
}
