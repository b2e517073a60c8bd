// RTT collector: cumulative log2 histograms of smoothed RTT per TCP flow, read in place from rtt.bpf.o's slot table.
import * as L from '../../native/layouts.js';
import type { BpfMap } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import { cstring, u32, u64 } from './decode.js';
import { decodeFlowId, type OwnedFlow } from './flows.js';
import { FramePool, inSlotOrder, type Framed } from './frames.js';
import { openObject } from './objects.js';
import { OWNER_PROGRAMS, useOwners } from './owners.js';
import { SlotTable, wordsU64 } from './slots.js';

const SLOTS = L.RTT_SLOTS;

/** A socket's flow and owner (pid 0 until it is known): shared by every read while it holds. */
export interface RttFlow extends OwnedFlow {
	readonly cookie: number;
}

/** One flow's samples as a record (tests and small callers); slot i counts [2^i, 2^(i+1)). */
export interface RttCounter extends RttFlow {
	readonly count: number;
	readonly sum: number;
	readonly slots: Readonly<ArrayLike<number>>;
}

/**
 * RTT samples per flow since nettop first saw it, in columns: entry i is
 * flows[i], count[i], sum[i] and hist[i*27 .. i*27+27). `slot` ascending, as
 * in TcpSnapshot.
 */
export interface RttSnapshot extends Framed {
	readonly unit: 'usecs' | 'msecs';
	readonly count: number;
	readonly flows: readonly RttFlow[];
	readonly slot: Uint32Array;
	readonly samples: Float64Array;
	readonly sum: Float64Array;
	readonly hist: Uint32Array;
	readonly lost: number;
}

/** A snapshot from records, slots given by `slotOf` (tests). */
export function rttSnapshot(counters: readonly RttCounter[], unit: 'usecs' | 'msecs' = 'usecs', lost = 0, slotOf: (c: RttCounter, i: number) => number = (_c, i) => i): RttSnapshot {
	const { records, slot } = inSlotOrder(counters, slotOf);
	const hist = new Uint32Array(records.length * SLOTS);
	records.forEach((c, i) => hist.set(Array.from(c.slots).slice(0, SLOTS), i * SLOTS));
	const column = (f: (c: RttCounter) => number) => Float64Array.from(records, f);
	return { unit, count: records.length, flows: records, slot, samples: column((c) => c.count), sum: column((c) => c.sum), hist, lost };
}

/** A copy of a snapshot that no later read changes. */
export function retainRtt(s: RttSnapshot): RttSnapshot {
	const n = s.count;
	return { unit: s.unit, count: n, flows: s.flows.slice(0, n), slot: s.slot.slice(0, n), samples: s.samples.slice(0, n), sum: s.sum.slice(0, n), hist: s.hist.slice(0, n * SLOTS), lost: s.lost };
}

const V = L.rttVal.fields;
const COUNT = V.count.offset / 4;
const SUM = V.sum.offset / 4;
const PID = V.pid.offset / 4;
const HIST = V.slots.offset / 4;

export class RttCollector {
	private readonly table: SlotTable;
	private readonly unit: 'usecs' | 'msecs';
	private readonly obj: BpfObject;
	private known: (RttFlow | undefined)[] = [];
	private readonly frames = new FramePool((n) => ({
		flows: new Array<RttFlow>(n),
		slot: new Uint32Array(n),
		samples: new Float64Array(n),
		sum: new Float64Array(n),
		hist: new Uint32Array(n * SLOTS),
	}));

	constructor(options: { ms?: boolean; owners?: BpfMap } = {}) {
		this.unit = options.ms ? 'msecs' : 'usecs';
		this.obj = openObject('rtt', {
			hooks: { sample: ['nt_rtt', 'nt_rtt_fe'], close: ['nt_rtt_closed', 'nt_rtt_clos_fe'] },
			optional: OWNER_PROGRAMS.rtt,
			configure: (obj) => {
				obj.setConstant('targ_ms', Uint8Array.of(options.ms ? 1 : 0));
				useOwners(obj, OWNER_PROGRAMS.rtt, options.owners);
			},
		});
		this.table = new SlotTable(this.obj, {
			prefix: 'rtt',
			value: L.rttVal,
			version: (w, s) => wordsU64(w, s * this.table.wordsPerSlot + COUNT),
		});
	}

	read(now: number): RttSnapshot {
		const scan = this.table.scan(now);
		const { words, wordsPerSlot: step } = scan;
		const n = scan.count;
		const { frame, arrays } = this.frames.take(n);
		const { flows, slot, samples, sum, hist } = arrays;
		for (let i = 0; i < n; i++) {
			const s = scan.slots[i]!;
			const base = s * step;
			slot[i] = s;
			// The slots first: the kernel adds to a slot just before the count, so
			// a count read after them seldom misses a sample they hold.
			for (let k = 0, from = base + HIST, to = i * SLOTS; k < SLOTS; k++) hist[to + k] = words[from + k]!;
			samples[i] = wordsU64(words, base + COUNT);
			sum[i] = wordsU64(words, base + SUM);
			let flow = this.known[s];
			// Addresses never change; the owner is learned once: decoded again only when either moves.
			if (!flow || flow.cookie !== wordsU64(words, base) || flow.pid !== words[base + PID]) {
				flow = decodeRttFlow(this.table.bytes, base * 4);
				this.known[s] = flow;
			}
			flows[i] = flow;
		}
		this.table.release();
		const snapshot: RttSnapshot = {
			unit: this.unit,
			count: n,
			flows,
			slot: slot.subarray(0, n),
			samples: samples.subarray(0, n),
			sum: sum.subarray(0, n),
			hist: hist.subarray(0, n * SLOTS),
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
}

/** The flow an rtt_vals value at byte `base` holds. */
export function decodeRttFlow(bytes: Buffer, base: number): RttFlow {
	const flow = decodeFlowId(bytes, base + V.id.offset) as RttFlow & { cookie: number; pid: number; comm: string };
	flow.cookie = u64(bytes, base + V.cookie.offset);
	flow.pid = u32(bytes, base + V.pid.offset);
	flow.comm = flow.pid ? cstring(bytes, base + V.comm.offset, V.comm.size) : '';
	return flow;
}
