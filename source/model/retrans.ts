// Retransmits model: one interval's events and their per-flow counts.
import { ownedFlow, type OwnedFlow } from '../collectors/flows.js';
import type { RetransEvent } from '../collectors/retrans.js';
import { matches, type Filter } from './filter.js';

export interface RetransFlow extends OwnedFlow {
	readonly count: number;
	readonly segs: number;
}

export interface RetransView {
	readonly count: number;
	readonly segs: number;
	readonly events: readonly RetransEvent[];
	readonly flows: readonly RetransFlow[];
}

/** Events that pass the filter, and per-flow counts (most segments first). */
export function retransView(events: readonly RetransEvent[], filter: Filter): RetransView {
	const kept = events.filter((e) => matches(filter, e));
	const flows = new Map<string, RetransFlow>();
	for (const e of kept) {
		const id = `${e.netns}|${e.laddr}|${e.lport}|${e.raddr}|${e.rport}`;
		const f = flows.get(id);
		flows.set(id, {
			...ownedFlow(e),
			pid: e.pid || f?.pid || 0,
			comm: e.pid ? e.comm : (f?.comm ?? e.comm),
			count: (f?.count ?? 0) + 1,
			segs: (f?.segs ?? 0) + e.segs,
		});
	}
	return {
		count: kept.length,
		segs: kept.reduce((s, e) => s + e.segs, 0),
		events: kept,
		flows: [...flows.values()].sort((a, b) => b.segs - a.segs),
	};
}
