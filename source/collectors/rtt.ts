// RTT collector: cumulative log2 histograms of smoothed RTT per TCP flow, read in place from rtt.bpf.o's slot table.
import * as L from '../../native/layouts.js';
import { kernelHasFunction } from '../../native/btf.js';
import type { BpfMap } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import { decodeSocketFlow, SlotFlows, type SocketFlow } from './flows.js';
import { FramePool, inSlotOrder, type Framed } from './frames.js';
import { openObject } from './objects.js';
import { OWNER_PROGRAMS, useOwners } from './owners.js';
import { enlarged, SlotTable, wordsU64 } from './slots.js';

const SLOTS = L.RTT_SLOTS;

/** A socket's flow and owner (pid 0 until it is known): shared by every read while it holds. */
export type RttFlow = SocketFlow;

/** One flow's samples as a record (tests and small callers); slot i counts [2^i, 2^(i+1)). */
export interface RttCounter extends RttFlow {
	readonly count: number;
	readonly sum: number;
	readonly slots: Readonly<ArrayLike<number>>;
}

/**
 * RTT samples per flow since nettop first saw it, in columns: entry i is
 * flows[i], samples[i], sum[i] and its histogram. `slot` ascending, as in
 * TcpSnapshot. Histograms are packed: most flows fill one to three of the 27
 * slots, so entry i keeps only slots histLo[i] .. histLo[i] + len - 1, in
 * hist[histAt[i] .. histAt[i + 1]) (len = histAt[i + 1] - histAt[i]); its
 * other slots are 0.
 */
export interface RttSnapshot extends Framed {
	readonly unit: 'usecs' | 'msecs';
	readonly count: number;
	readonly flows: readonly RttFlow[];
	readonly slot: Uint32Array;
	readonly samples: Float64Array;
	readonly sum: Float64Array;
	readonly hist: Uint32Array;
	/** count + 1 offsets into hist. */
	readonly histAt: Uint32Array;
	readonly histLo: Uint8Array;
	readonly lost: number;
}

/** Slot k of entry i's histogram. */
export function histSlot(s: RttSnapshot, i: number, k: number): number {
	const lo = s.histLo[i]!;
	const at = s.histAt[i]!;
	return k >= lo && k - lo < s.histAt[i + 1]! - at ? s.hist[at + k - lo]! : 0;
}

/** Packs histograms given whole (27 slots each) into hist, histAt and histLo. */
function packHistograms(whole: readonly (readonly number[])[]): Pick<RttSnapshot, 'hist' | 'histAt' | 'histLo'> {
	const hist: number[] = [];
	const histAt = new Uint32Array(whole.length + 1);
	const histLo = new Uint8Array(whole.length);
	whole.forEach((slots, i) => {
		const used = slots.flatMap((v, k) => (v !== 0 ? [k] : []));
		const lo = used[0] ?? 0;
		histLo[i] = lo;
		hist.push(...slots.slice(lo, used.length ? used.at(-1)! + 1 : lo));
		histAt[i + 1] = hist.length;
	});
	return { hist: Uint32Array.from(hist), histAt, histLo };
}

/** A snapshot from records, slots given by `slotOf` (tests). */
export function rttSnapshot(counters: readonly RttCounter[], unit: 'usecs' | 'msecs' = 'usecs', lost = 0, slotOf: (c: RttCounter, i: number) => number = (_c, i) => i): RttSnapshot {
	const { records, slot } = inSlotOrder(counters, slotOf);
	const column = (f: (c: RttCounter) => number) => Float64Array.from(records, f);
	const packed = packHistograms(records.map((c) => Array.from(c.slots).slice(0, SLOTS)));
	return { unit, count: records.length, flows: records, slot, samples: column((c) => c.count), sum: column((c) => c.sum), ...packed, lost };
}

/** A copy of a snapshot that no later read changes. */
export function retainRtt(s: RttSnapshot): RttSnapshot {
	const n = s.count;
	return {
		unit: s.unit,
		count: n,
		flows: s.flows.slice(0, n),
		slot: s.slot.slice(0, n),
		samples: s.samples.slice(0, n),
		sum: s.sum.slice(0, n),
		hist: s.hist.slice(0, s.histAt[n]),
		histAt: s.histAt.slice(0, n + 1),
		histLo: s.histLo.slice(0, n),
		lost: s.lost,
	};
}

const V = L.rttVal.fields;
const COUNT = V.count.offset / 4;
const SUM = V.sum.offset / 4;
const HIST = V.slots.offset / 4;

export class RttCollector {
	private readonly table: SlotTable;
	private readonly unit: 'usecs' | 'msecs';
	private readonly obj: BpfObject;
	private readonly known = new SlotFlows(L.rttVal, false);
	// Per table slot: the histogram slots its flow had used at the last read, [usedLo, usedEnd).
	private usedLo: Uint8Array<ArrayBuffer> = new Uint8Array(0);
	private usedEnd: Uint8Array<ArrayBuffer> = new Uint8Array(0);
	private readonly frames = new FramePool((n) => ({
		flows: new Array<RttFlow>(n),
		slot: new Uint32Array(n),
		samples: new Float64Array(n),
		sum: new Float64Array(n),
		hist: new Uint32Array(n * 4), // grows when the histograms need more
		histAt: new Uint32Array(n + 1),
		histLo: new Uint8Array(n),
	}));

	constructor(options: { ms?: boolean; owners?: BpfMap } = {}) {
		this.unit = options.ms ? 'msecs' : 'usecs';
		const cast = kernelHasFunction('bpf_rdonly_cast');
		this.obj = openObject('rtt', {
			// nt_rtt needs the kfunc bpf_rdonly_cast (Linux 6.2+); nt_rtt_sk does the same through a helper call.
			hooks: { sample: [...(cast ? ['nt_rtt'] : []), 'nt_rtt_sk', 'nt_rtt_fe'], close: ['nt_rtt_closed', 'nt_rtt_clos_fe'] },
			optional: [...OWNER_PROGRAMS.rtt, 'nt_rtt_sweep'],
			coveredBy: { close: 'nt_rtt_sweep' },
			configure: (obj) => {
				if (!cast) obj.disable('nt_rtt', 'kernel has no bpf_rdonly_cast');
				obj.setConstant('targ_ms', Uint8Array.of(options.ms ? 1 : 0));
				useOwners(obj, OWNER_PROGRAMS.rtt, options.owners);
			},
		});
		this.table = new SlotTable(this.obj, {
			prefix: 'rtt',
			value: L.rttVal,
			version: (w, s) => wordsU64(w, s * this.table.wordsPerSlot + COUNT),
			// A freed slot gets another flow: its histogram starts empty.
			retire: (slots, n) => {
				for (let i = 0; i < n; i++) this.usedEnd[slots[i]!] = this.usedLo[slots[i]!] = 0;
			},
		});
	}

	read(now: number): RttSnapshot {
		const scan = this.table.scan(now);
		const { words, wordsPerSlot: step } = scan;
		const n = scan.count;
		const { frame, arrays } = this.frames.take(n);
		const { flows, slot, samples, sum, histAt, histLo } = arrays;
		let hist = arrays.hist;
		let { usedLo, usedEnd } = this;
		let at = 0;
		for (let i = 0; i < n; i++) {
			const s = scan.slots[i]!;
			const base = s * step;
			slot[i] = s;
			// The histogram first: the kernel adds to a slot just before the count,
			// so a count read after the slots seldom misses a sample they hold.
			// The slots this flow used so far are read first; all 27 only when
			// they hold fewer samples than the count (a sample elsewhere).
			// Room for one more whole histogram after the `at` words in use.
			if (hist.length < at + SLOTS) hist = arrays.hist = enlarged(hist.subarray(0, at), Math.max(2 * hist.length, at + SLOTS));
			if (s >= usedEnd.length) [usedLo, usedEnd] = this.growUsed(s + 1);
			const from = base + HIST;
			let lo = usedLo[s]!;
			let end = usedEnd[s]!;
			let found = 0;
			for (let k = lo, to = at - lo; k < end; k++) {
				const v = words[from + k]!;
				hist[to + k] = v;
				found += v;
			}
			let count = wordsU64(words, base + COUNT);
			if (found < count) {
				lo = 0;
				while (lo < SLOTS && words[from + lo] === 0) lo++;
				end = lo;
				for (let k = lo, to = at - lo; k < SLOTS; k++) {
					const v = words[from + k]!;
					hist[to + k] = v;
					if (v !== 0) end = k + 1;
				}
				if (end === lo) lo = end = 0;
				usedLo[s] = lo;
				usedEnd[s] = end;
				count = wordsU64(words, base + COUNT);
			}
			histAt[i] = at;
			histLo[i] = lo;
			at += end - lo;
			samples[i] = count;
			sum[i] = wordsU64(words, base + SUM);
			flows[i] = this.known.at(words, this.table.bytes, s, base);
		}
		histAt[n] = at;
		this.table.release();
		const snapshot: RttSnapshot = {
			unit: this.unit,
			count: n,
			flows,
			slot: slot.subarray(0, n),
			samples: samples.subarray(0, n),
			sum: sum.subarray(0, n),
			hist: hist.subarray(0, at),
			histAt: histAt.subarray(0, n + 1),
			histLo: histLo.subarray(0, n),
			lost: scan.lost,
			frame,
		};
		frame.holder = snapshot;
		return snapshot;
	}

	close(): void {
		this.table.close();
		this.obj.close();
	}

	/** Room for `n` table slots in usedLo and usedEnd. */
	private growUsed(n: number): [Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>] {
		const size = Math.max(n, 2 * this.usedEnd.length, 1024);
		this.usedLo = enlarged(this.usedLo, size);
		this.usedEnd = enlarged(this.usedEnd, size);
		return [this.usedLo, this.usedEnd];
	}
}

/** The flow an rtt_vals value at byte `base` holds. */
export function decodeRttFlow(bytes: Buffer, base: number): RttFlow {
	return decodeSocketFlow(bytes, base, L.rttVal, false);
}
