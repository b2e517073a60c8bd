// RTT samples per flow as read: columns, with each flow's log2 histogram packed.
import type { SocketFlow } from '../../model/flow.js';
import type { SlotSnapshot } from '../../model/slots.js';
import { unionSlots } from '../../model/span.js';

/** Slots of a histogram: slot i counts [2^i, 2^(i+1)), slot 0 also 0 (bpf/rtt.h RTT_SLOTS). */
export const RTT_SLOTS = 27;

/** A socket's flow and owner (pid 0 until it is known): shared by every read while it holds. */
export type RttFlow = SocketFlow;

/**
 * RTT samples per flow since nettop first saw it, in columns: entry i is
 * flows[i], samples[i], sum[i] and its histogram. `slot` ascending, as in
 * TcpSnapshot. Histograms are packed: most flows fill one to three of the 27
 * slots, so entry i keeps only slots histLo[i] .. histLo[i] + len - 1, in
 * hist[histAt[i] .. histAt[i + 1]) (len = histAt[i + 1] - histAt[i]); its
 * other slots are 0.
 */
export interface RttSnapshot extends SlotSnapshot<RttFlow> {
	readonly unit: 'usecs' | 'msecs';
	readonly samples: Float64Array;
	readonly sum: Float64Array;
	readonly hist: Uint32Array;
	/** count + 1 offsets into hist. */
	readonly histAt: Uint32Array;
	readonly histLo: Uint8Array;
}

/** Reads one after another as one (Feature.span): each flow's last entry, histogram and all, a flow closed meanwhile at its last samples. */
export function spanRtt(snaps: readonly RttSnapshot[]): RttSnapshot {
	if (snaps.length === 1) return snaps[0]!;
	const picks = unionSlots(snaps);
	const n = picks.length;
	const [slot, samples, sum, histAt, histLo] = [new Uint32Array(n), new Float64Array(n), new Float64Array(n), new Uint32Array(n + 1), new Uint8Array(n)];
	for (let i = 0; i < n; i++) {
		const { from, at } = picks[i]!;
		const s = snaps[from]!;
		histAt[i + 1] = histAt[i]! + s.histAt[at + 1]! - s.histAt[at]!;
	}
	const hist = new Uint32Array(histAt[n]!);
	const flows = picks.map(({ from, at }, i) => {
		const s = snaps[from]!;
		[slot[i], samples[i], sum[i], histLo[i]] = [s.slot[at]!, s.samples[at]!, s.sum[at]!, s.histLo[at]!];
		hist.set(s.hist.subarray(s.histAt[at], s.histAt[at + 1]), histAt[i]);
		return s.flows[at]!;
	});
	const last = snaps.at(-1)!;
	return { unit: last.unit, count: n, flows, slot, samples, sum, hist, histAt, histLo, lost: last.lost };
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
