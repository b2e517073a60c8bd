// Retransmits model: events as read, with the recent ones kept, and one interval's view of them: totals and per-flow counts.
import { NO_CGROUPS, type CgroupNames } from '../../model/cgroup.js';
import { matches, matchesCgroup, type Filter } from '../../model/filter.js';
import { ownedFlow, type OwnedFlow } from '../../model/flow.js';
import type { Snapshot } from '../../model/reading.js';
import { keepRecent } from '../../model/recent.js';

export type RetransKind = 'data' | 'tlp' | 'syn' | 'synack';

export interface RetransEvent extends OwnedFlow {
	/** Epoch ms. */
	readonly time: number;
	readonly cookie: number;
	/** The owner's cgroup v2 id; 0 when not known. */
	readonly cgroupId: number;
	readonly state: string;
	readonly segs: number;
	readonly kind: RetransKind;
}

/** Events kept for the rolling list: the last RECENT of them. */
export const RECENT = 500;

export interface RetransSnapshot extends Snapshot {
	/** Events since the last read, oldest first. */
	readonly events: readonly RetransEvent[];
	/** The last RECENT events, newest first (the new ones included), so a burst stays in view after its interval. */
	readonly recent: readonly RetransEvent[];
}

/** The recent events after a read of `events` (oldest first), given those before it. */
export function nextRecent(before: readonly RetransEvent[], events: readonly RetransEvent[]): RetransEvent[] {
	return keepRecent(before, events, RECENT);
}

export interface RetransFlow extends OwnedFlow {
	readonly cgroupId: number;
	readonly count: number;
	readonly segs: number;
}

export interface RetransView {
	/** The interval's events and segments that pass the filter. */
	readonly count: number;
	readonly segs: number;
	readonly events: readonly RetransEvent[];
	/** Per flow over the interval's events, most segments first. */
	readonly flows: readonly RetransFlow[];
	/** The recent events that pass the filter, newest first. */
	readonly recent: readonly RetransEvent[];
	/** Per flow over the recent events, most segments first. */
	readonly recentFlows: readonly RetransFlow[];
	/** The container of an owner's cgroup id, when it runs in one. */
	containerOf(cgroupId: number): string | undefined;
}

/** Events per flow (netns and endpoints), most segments first; a flow takes its owner from any event that knows it. */
function retransFlows(events: readonly RetransEvent[]): RetransFlow[] {
	const flows = new Map<string, RetransFlow>();
	for (const e of events) {
		const id = `${e.netns}|${e.laddr}|${e.lport}|${e.raddr}|${e.rport}`;
		const f = flows.get(id);
		flows.set(id, {
			...ownedFlow(e),
			pid: e.pid || f?.pid || 0,
			comm: e.pid ? e.comm : (f?.comm ?? e.comm),
			cgroupId: e.pid ? e.cgroupId : (f?.cgroupId ?? 0),
			count: (f?.count ?? 0) + 1,
			segs: (f?.segs ?? 0) + e.segs,
		});
	}
	return [...flows.values()].sort((a, b) => b.segs - a.segs);
}

/** The interval's events and the recent ones that pass the filter (each list filtered once), totals and per-flow counts. */
export function retransView(cur: RetransSnapshot, filter: Filter, cgroups: CgroupNames = NO_CGROUPS): RetransView {
	const passes = (e: RetransEvent) => matches(filter, e) && matchesCgroup(filter, cgroups.get(e.cgroupId));
	const events = cur.events.filter(passes);
	const recent = cur.recent.filter(passes);
	let flows: RetransFlow[] | undefined;
	let recentFlows: RetransFlow[] | undefined;
	return {
		count: events.length,
		segs: events.reduce((s, e) => s + e.segs, 0),
		events,
		get flows() {
			return (flows ??= retransFlows(events));
		},
		recent,
		get recentFlows() {
			return (recentFlows ??= retransFlows(recent));
		},
		containerOf: (id) => cgroups.get(id)?.container,
	};
}
