// Latency collector: latency.bpf.o loaded only while wanted (its tab shown, or --latency), its sampling set, its packets decoded.
import type { ProgramStats } from '../../../native/object.js';
import { cstring, field, u32, u64 } from '../../kernel/decode.js';
import type { SocketOwners } from '../../kernel/owners.js';
import { decodeFlowId } from '../../kernel/slot-flows.js';
import type { Maybe } from '../../model/reading.js';
import type { Collector } from '../feature.js';
import * as L from './layouts.js';
import { LoadedLatency } from './loaded.js';
import { nextRecent, STAGES, type LatencyCounts, type LatencyPacket, type LatencySnapshot, type Stage } from './model.js';

/** 1 packet in this many by default: bench's figures (docs/latency.md). */
export const DEFAULT_EVERY = 64;
export const MAX_EVERY = 1 << 20;

/** The tab's state the collector follows: `+` and `-` halve and double N. */
export interface LatencyTabState {
	/** The N the tab asks for; undefined until an interval showed the one in force (the flag's). */
	readonly every?: number;
	/** Whether an interval since the tab opened had packets cut into segments: the tab keeps their line from then on. */
	readonly segmented?: true;
}

const NO_COUNTS: LatencyCounts = { sampled: [0, 0], unmatched: [0, 0] };
const add = (a: LatencyCounts, b: LatencyCounts): LatencyCounts => ({
	sampled: [a.sampled[0] + b.sampled[0], a.sampled[1] + b.sampled[1]],
	unmatched: [a.unmatched[0] + b.unmatched[0], a.unmatched[1] + b.unmatched[1]],
});

/** What the collector needs of a load of latency.bpf.o (loaded.ts; a test's fake). */
export interface Loaded {
	readonly obj: { programStats(): ProgramStats[] };
	set every(every: number);
	packets(): Buffer[];
	counts(): LatencyCounts;
	lostCount(): number;
	/** Lets go of stale packets; returns the records of cut packets among them. */
	sweep(nowNs: number): Buffer[];
	close(): void;
}

export class LatencyCollector implements Collector<LatencySnapshot> {
	private loaded: Loaded | undefined;
	private loading: Promise<void> | undefined;
	private failure: string | undefined;
	private wanted: boolean;
	private recent: readonly LatencyPacket[] = [];
	/** What earlier loads counted: each load's counters start at 0, nettop's do not. */
	private carried = { counts: NO_COUNTS, lost: 0, stats: { name: 'earlier loads', runTimeNs: 0, runCount: 0, recursionMisses: 0 } as ProgramStats };

	/** `load` loads the object; `pinned` (--latency): loaded now and kept, else only while the tab is shown; `every`: the flag's N, until the tab asks for another. */
	constructor(
		private readonly load: () => Promise<Loaded>,
		private readonly pinned: boolean,
		private every: number,
	) {
		this.wanted = pinned;
	}

	/** With --latency, resolves once loaded (rejects, one line, when it cannot load); else at once, nothing loaded. */
	static async open(owners: SocketOwners, pinned: boolean, every: number): Promise<LatencyCollector> {
		const c = new LatencyCollector(() => LoadedLatency.open(owners), pinned, every);
		if (pinned) {
			c.want();
			await c.settled();
			if (c.failure) throw new Error(c.failure);
		}
		return c;
	}

	/** Resolves once a load under way has ended (for tests and open). */
	async settled(): Promise<void> {
		await this.loading;
	}

	readonly obj = { programStats: (): ProgramStats[] => [...(this.loaded?.obj.programStats() ?? []), this.carried.stats] };

	get active(): boolean {
		return this.loaded !== undefined;
	}

	/** The tab is shown or not, with its state: loads or unloads the object, sets the sampling. */
	show(shown: boolean, state: unknown): void {
		const every = (state as LatencyTabState | undefined)?.every;
		if (every !== undefined && every !== this.every) {
			this.every = every;
			if (this.loaded) this.loaded.every = every;
		}
		this.wanted = this.pinned || shown;
		if (this.wanted) this.want();
		else this.unload();
	}

	private want(): void {
		if (this.loaded || this.loading || this.failure) return;
		this.loading = this.load().then(
			(loaded) => {
				this.loading = undefined;
				if (!this.wanted) return loaded.close();
				loaded.every = this.every;
				this.loaded = loaded;
			},
			(error: unknown) => {
				this.loading = undefined;
				this.failure = (error instanceof Error ? error.message : String(error)).split('\n')[0];
			},
		);
	}

	private unload(): void {
		const loaded = this.loaded;
		if (!loaded) return;
		// The counters a new load starts again from 0 are carried, so deltas stay whole.
		const stats = loaded.obj.programStats();
		const s = this.carried.stats;
		this.carried = {
			counts: add(this.carried.counts, loaded.counts()),
			lost: this.carried.lost + loaded.lostCount(),
			stats: {
				name: s.name,
				runTimeNs: s.runTimeNs + stats.reduce((n, p) => n + p.runTimeNs, 0),
				runCount: s.runCount + stats.reduce((n, p) => n + p.runCount, 0),
				recursionMisses: s.recursionMisses + stats.reduce((n, p) => n + p.recursionMisses, 0),
			},
		};
		this.loaded = undefined;
		loaded.close();
	}

	read(_now?: number): Maybe<LatencySnapshot> {
		if (this.failure) return { unavailable: this.failure };
		const loaded = this.loaded;
		const base = { every: this.every, recent: this.recent };
		if (!loaded) return { ...base, state: this.loading ? 'starting' : 'off', packets: [], unfollowed: [], counts: this.carried.counts, lost: this.carried.lost };
		const monoNs = Number(process.hrtime.bigint());
		// Stamps are CLOCK_MONOTONIC (bpf_ktime_get_ns), as is process.hrtime.
		const wallMinusMono = Date.now() - monoNs / 1e6;
		const packets: LatencyPacket[] = [];
		const unfollowed: LatencyPacket[] = [];
		// A cut packet's record without a qdisc time is one whose segments could not be followed (bpf/latency.bpf.c nt_lat_cut).
		for (const r of loaded.packets()) {
			const p = decodePacket(r, wallMinusMono);
			(p.segmented && p.stages.qdisc === null ? unfollowed : packets).push(p);
		}
		for (const r of loaded.sweep(monoNs)) unfollowed.push(decodePacket(r, wallMinusMono));
		if (packets.length > 0) this.recent = nextRecent(this.recent, packets);
		return { ...base, recent: this.recent, state: 'on', packets, unfollowed, counts: add(this.carried.counts, loaded.counts()), lost: this.carried.lost + loaded.lostCount() };
	}

	close(): void {
		this.wanted = false;
		this.unload();
	}
}

const PROTOS: Record<number, 'tcp' | 'udp'> = { 6: 'tcp', 17: 'udp' };

/** One struct nt_lat_packet; `wallMinusMono` turns its monotonic stamp into epoch ms. */
export function decodePacket(record: Buffer, wallMinusMono: number): LatencyPacket {
	const f = L.latPacket.fields;
	const stages = {} as Record<Stage, number | null>;
	STAGES.forEach((stage, i) => {
		const at = f.stage_ns.offset + i * 8;
		stages[stage] = u32(record, at) === 0xffffffff && u32(record, at + 4) === 0xffffffff ? null : u64(record, at) / 1000;
	});
	const proto = PROTOS[field(record, 0, f.proto)] ?? '';
	return {
		time: field(record, 0, f.ts_ns) / 1e6 + wallMinusMono,
		dir: field(record, 0, f.dir) === 0 ? 'send' : 'receive',
		pid: field(record, 0, f.pid),
		comm: cstring(record, f.comm.offset, f.comm.size),
		...decodeFlowId(record, f.id.offset),
		ifindex: field(record, 0, f.ifindex),
		ifname: cstring(record, f.ifname.offset, f.ifname.size),
		queue: field(record, 0, f.queue),
		proto,
		cgroupId: field(record, 0, f.cgroup),
		len: field(record, 0, f.len),
		stages,
		paced: (field(record, 0, f.flags) & L.PACED) !== 0,
		segments: field(record, 0, f.segs),
		segmented: (field(record, 0, f.flags) & L.CUT) !== 0,
	};
}
