// RTT collector: cumulative log2 histograms of smoothed RTT per TCP flow, read in place from rtt.bpf.o's slot table.
import { kernelHasFunction } from '../../../native/btf.js';
import type { BpfObject } from '../../../native/object.js';
import { wordsU64 } from '../../kernel/decode.js';
import { enlarged, FramePool } from '../../kernel/frames.js';
import { openObject } from '../../kernel/objects.js';
import type { SocketOwners } from '../../kernel/owners.js';
import { SlotFlows } from '../../kernel/slot-flows.js';
import { SlotTable } from '../../kernel/slot-table.js';
import * as L from './layouts.js';
import { RTT_SLOTS as SLOTS, type RttFlow, type RttSnapshot } from './snapshot.js';

/** The owner-stamping programs rtt.bpf.o carries, for when no other object provides owners. */
const STAMPERS = ['nt_rtt_own_tx', 'nt_rtt_own_rx', 'nt_rtt_own_st'];

const V = L.rttVal.fields;
const COUNT = V.count.offset / 4;
const SUM = V.sum.offset / 4;
const HIST = V.slots.offset / 4;

export class RttCollector {
	private readonly table: SlotTable;
	private readonly unit: 'usecs' | 'msecs';
	private readonly flowsBySlot = new SlotFlows(L.rttVal, false);
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

	/** Loads rtt.bpf.o (in its turn for the owner map) and reads it. */
	static open(options: { ms: boolean; owners: SocketOwners }): Promise<RttCollector> {
		const cast = kernelHasFunction('bpf_rdonly_cast');
		return options.owners.open(STAMPERS, async (join) => {
			const obj = await openObject('rtt', {
				// nt_rtt needs the kfunc bpf_rdonly_cast (Linux 6.2+); nt_rtt_sk does the same through a helper call.
				hooks: { sample: [...(cast ? ['nt_rtt'] : []), 'nt_rtt_sk', 'nt_rtt_fe'], close: ['nt_rtt_closed', 'nt_rtt_clos_fe'] },
				optional: [...STAMPERS, 'nt_rtt_sweep'],
				coveredBy: { close: 'nt_rtt_sweep' },
				configure: (obj) => {
					if (!cast) obj.disable('nt_rtt', 'kernel has no bpf_rdonly_cast');
					obj.setConstant('targ_ms', Uint8Array.of(options.ms ? 1 : 0));
					join(obj);
				},
			});
			return new RttCollector(obj, options.ms);
		});
	}

	constructor(
		readonly obj: BpfObject,
		ms: boolean,
	) {
		this.unit = ms ? 'msecs' : 'usecs';
		try {
			this.table = new SlotTable(this.obj, {
				prefix: 'rtt',
				value: L.rttVal,
				version: (w, s) => wordsU64(w, s * this.table.wordsPerSlot + COUNT),
				// A freed slot gets another flow: its histogram starts empty.
				retire: (slots, n) => {
					for (let i = 0; i < n; i++) this.usedEnd[slots[i]!] = this.usedLo[slots[i]!] = 0;
				},
			});
		} catch (error) {
			this.obj.close();
			throw error;
		}
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
			flows[i] = this.flowsBySlot.at(words, this.table.bytes, s, base);
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
