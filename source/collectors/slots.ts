// A slot table (bpf/nettop.h): per-flow values in a BPF_F_MMAPABLE array, read in place, slots freed by userspace.
import type { Layout } from '../../native/layouts.js';
import { LITTLE_ENDIAN } from '../../native/layouts.js';
import type { BpfMap, MappedValues } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import * as L from '../../native/layouts.js';
import { ClosedSockets } from './closed.js';
import { sumLost, sumPerCpu } from './decode.js';

/** A safety net behind close records: slots unchanged this long are freed. */
export const FLOW_IDLE_MS = 120_000;
/** After close records were lost (the ring overflowed), slots of closed sockets sit idle: free them sooner. */
export const FLOW_IDLE_AFTER_LOSS_MS = 5_000;
const LOSS_MEMORY_MS = 300_000;
const LOST_AUX = 1; // bpf/nettop.h: close records that did not fit in the ring
const U64 = { offset: 0, size: 8, type: 'u64' } as const;
const TWO_32 = 2 ** 32;
const ORPHAN = 0xffffffff; // SLOT_ORPHAN: both halves all ones
// struct nt_slot_ctl, as u32 indexes
const NEXT = L.slotCtl.fields.next.offset / 4;
const FREE_TAIL = L.slotCtl.fields.free_tail.offset / 4;

export interface SlotTableSpec {
	/** The prefix of the object's <prefix>_vals, <prefix>_free, <prefix>_ctl, <prefix>_closed and <prefix>_lost. */
	readonly prefix: string;
	readonly value: Layout;
	/** A number that grows whenever slot `s` changes (its counters), read from `words`. */
	readonly version: (words: Uint32Array, s: number) => number;
	/** Called with the slots about to be freed (their values still readable), before they are. */
	readonly retire?: (slots: Uint32Array, count: number) => void;
}

/** The live slots of one scan, ascending: `slots[0..count)`. */
export interface SlotScan {
	readonly count: number;
	readonly slots: Uint32Array;
	/** The whole value array as u32 words (host order); slot s starts at s * wordsPerSlot. */
	readonly words: Uint32Array;
	readonly wordsPerSlot: number;
	readonly lost: number;
}

/** The u64 cookie of slot `s` (the first field of every slot-table value). */
export function slotCookie(words: Uint32Array, base: number): number {
	return LITTLE_ENDIAN ? words[base + 1]! * TWO_32 + words[base]! : words[base]! * TWO_32 + words[base + 1]!;
}

/** A u64 at word `at` as a number (exact below 2^53). */
export function wordsU64(words: Uint32Array, at: number): number {
	return LITTLE_ENDIAN ? words[at + 1]! * TWO_32 + words[at]! : words[at]! * TWO_32 + words[at + 1]!;
}

export class SlotTable {
	readonly words: Uint32Array;
	readonly bytes: Buffer;
	readonly wordsPerSlot: number;
	readonly capacity: number;
	private readonly mapped: MappedValues[];
	private readonly ctl: Uint32Array;
	private readonly freeRing: Uint32Array;
	private readonly freeStep: number;
	private readonly lost: BpfMap;
	private readonly closed: ClosedSockets;
	private closesLost = 0;
	private lossAt = -Infinity;
	// Per slot: the cookie last seen in it, its version, and when that last changed.
	private occupant = new Float64Array(0);
	private version = new Float64Array(0);
	private changedAt = new Float64Array(0);
	private live = new Uint32Array(0);
	private retiring = new Uint32Array(0);
	private retiringCount = 0;

	constructor(
		obj: BpfObject,
		private readonly spec: SlotTableSpec,
	) {
		const vals = obj.map(`${spec.prefix}_vals`, undefined, spec.value);
		this.capacity = vals.maxEntries;
		const values = vals.mmap();
		this.mapped = [values];
		try {
			const ctl = obj.map(`${spec.prefix}_ctl`, undefined, L.slotCtl).mmap();
			this.mapped.push(ctl);
			const free = obj.map(`${spec.prefix}_free`).mmap();
			this.mapped.push(free);
			this.ctl = new Uint32Array(ctl.buffer, 0, 4);
			this.freeRing = new Uint32Array(free.buffer);
			this.freeStep = free.stride / 4; // array values are 8-byte aligned: one u32 every 8 bytes
			this.lost = obj.map(`${spec.prefix}_lost`);
			this.closed = new ClosedSockets(obj, `${spec.prefix}_closed`);
		} catch (error) {
			for (const m of this.mapped) m.unmap();
			throw error;
		}
		this.wordsPerSlot = values.stride / 4;
		this.words = new Uint32Array(values.buffer);
		this.bytes = Buffer.from(values.buffer);
	}

	/**
	 * The live slots. Sockets closed since the last scan are in it one last
	 * time with their final values; they, slots idle for FLOW_IDLE_MS (left
	 * out) and orphans are freed by release(), once the caller has read them.
	 */
	scan(now: number): SlotScan {
		const closed = this.closed.drain();
		const lostMap = this.lost.readAll();
		const closesLost = sumPerCpu(lostMap, LOST_AUX, U64);
		if (closesLost > this.closesLost) this.lossAt = now;
		this.closesLost = closesLost;
		const idleMs = now - this.lossAt < LOSS_MEMORY_MS ? FLOW_IDLE_AFTER_LOSS_MS : FLOW_IDLE_MS;
		const used = Math.min(Atomics.load(this.ctl, NEXT), this.capacity);
		this.reserve(used);
		const { words, wordsPerSlot: step, occupant, version, changedAt, live, retiring } = this;
		let count = 0;
		let gone = 0;
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
			} else if (now - changedAt[s]! >= idleMs) {
				retiring[gone++] = s; // idle: freed, left out
				continue;
			}
			live[count++] = s;
			if (closed.size > 0 && closed.has(cookie)) retiring[gone++] = s;
		}
		this.retiringCount = gone;
		return { count, slots: live, words, wordsPerSlot: step, lost: sumLost(lostMap) };
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
		this.closed.close();
		for (const m of this.mapped) m.unmap();
	}

	/** Grows the per-slot arrays to cover `used` slots. */
	private reserve(used: number): void {
		if (this.live.length >= used) return;
		const size = Math.min(this.capacity, Math.max(used, this.live.length * 2, 1024));
		const grow = (a: Float64Array) => {
			const b = new Float64Array(size);
			b.set(a);
			return b;
		};
		this.occupant = grow(this.occupant);
		this.version = grow(this.version);
		this.changedAt = grow(this.changedAt);
		this.live = new Uint32Array(size);
		this.retiring = new Uint32Array(size);
	}
}
