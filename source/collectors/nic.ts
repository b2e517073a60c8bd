// NIC collector: cumulative TX/RX bytes and packets per (netns, ifindex, queue) from nic.bpf.o.
import * as L from '../../native/layouts.js';
import type { BpfMap, MapEntries } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import { cstring, field, keyAt, sumLost, sumPerCpu, writeU32 } from './decode.js';
import { IdleTracker } from './idle.js';
import { openObject } from './objects.js';

/** Counters since the entry was created in the kernel (monotonic). */
export interface NicCounter {
	readonly netns: number;
	readonly ifindex: number;
	readonly queue: number;
	readonly ifname: string;
	readonly tx_bytes: number;
	readonly tx_packets: number;
	readonly rx_bytes: number;
	readonly rx_packets: number;
}

export interface NicSnapshot {
	readonly counters: readonly NicCounter[];
	/** Updates the kernel side could not record because a map was full (cumulative). */
	readonly lost: number;
}

/** Identifies one queue of one interface in one namespace. */
export function nicId(c: { netns: number; ifindex: number; queue: number }): string {
	return `${c.netns}:${c.ifindex}:${c.queue}`;
}

/** An entry unchanged this long belongs to an idle or vanished interface and is removed. */
export const NIC_IDLE_MS = 30_000;

export class NicCollector {
	private readonly stats: BpfMap;
	private readonly names: BpfMap;
	private readonly lost: BpfMap;
	private readonly idle = new IdleTracker(NIC_IDLE_MS);

	constructor(private readonly obj: BpfObject = openObject('nic')) {
		this.stats = obj.map('nic_stats', L.nicKey, L.nicVal);
		this.names = obj.map('nic_names', L.nicNameKey, L.nicName);
		this.lost = obj.map('nic_lost');
	}

	/** Reads every counter. `now` (ms) only dates activity, to retire idle entries. */
	read(now: number): NicSnapshot {
		const all = decodeNicCounters(this.stats.readAll(), decodeNicNames(this.names.readAll()));
		const counters: NicCounter[] = [];
		const stale: NicCounter[] = [];
		for (const c of all) {
			if (this.idle.stale(nicId(c), c.tx_packets + c.rx_packets, now)) stale.push(c);
			else counters.push(c);
		}
		this.idle.sweep();
		if (stale.length > 0) this.retire(stale, counters);
		return { counters, lost: this.readLost() };
	}

	close(): void {
		this.obj.close();
	}

	/**
	 * Idle entries (their interface is idle or gone) are deleted here and in the
	 * kernel, so a returning interface counts from zero; names go with the last queue.
	 */
	private retire(stale: readonly NicCounter[], live: readonly NicCounter[]): void {
		const key = Buffer.alloc(L.nicKey.size);
		for (const c of stale) {
			writeU32(key, L.nicKey.fields.netns.offset, c.netns);
			writeU32(key, L.nicKey.fields.ifindex.offset, c.ifindex);
			writeU32(key, L.nicKey.fields.queue.offset, c.queue);
			this.stats.delete(key);
		}
		const keep = new Set(live.map((c) => `${c.netns}:${c.ifindex}`));
		const nameKey = Buffer.alloc(L.nicNameKey.size);
		for (const c of stale) {
			if (keep.has(`${c.netns}:${c.ifindex}`)) continue;
			writeU32(nameKey, L.nicNameKey.fields.netns.offset, c.netns);
			writeU32(nameKey, L.nicNameKey.fields.ifindex.offset, c.ifindex);
			this.names.delete(nameKey);
		}
	}

	private readLost(): number {
		return sumLost(this.lost.readAll());
	}
}

/** nic_names entries as "netns:ifindex" -> name. */
export function decodeNicNames(entries: MapEntries): Map<string, string> {
	const out = new Map<string, string>();
	const k = L.nicNameKey.fields;
	const name = L.nicName.fields.name;
	for (let i = 0; i < entries.count; i++) {
		const key = keyAt(entries, i);
		out.set(`${field(key, 0, k.netns)}:${field(key, 0, k.ifindex)}`, cstring(entries.values, i * entries.valueStride + name.offset, name.size));
	}
	return out;
}

/** nic_stats entries (per-CPU values summed) with their interface names. */
export function decodeNicCounters(entries: MapEntries, names: ReadonlyMap<string, string>): NicCounter[] {
	const k = L.nicKey.fields;
	const v = L.nicVal.fields;
	const out: NicCounter[] = [];
	for (let i = 0; i < entries.count; i++) {
		const key = keyAt(entries, i);
		const netns = field(key, 0, k.netns);
		const ifindex = field(key, 0, k.ifindex);
		out.push({
			netns,
			ifindex,
			queue: field(key, 0, k.queue),
			ifname: names.get(`${netns}:${ifindex}`) ?? '',
			tx_bytes: sumPerCpu(entries, i, v.tx_bytes),
			tx_packets: sumPerCpu(entries, i, v.tx_packets),
			rx_bytes: sumPerCpu(entries, i, v.rx_bytes),
			rx_packets: sumPerCpu(entries, i, v.rx_packets),
		});
	}
	return out;
}
