// NIC collector: cumulative TX/RX bytes and packets per (netns, ifindex, queue) from nic.bpf.o.
import type { BpfMap, MapEntries } from '../../../native/map.js';
import type { BpfObject } from '../../../native/object.js';
import { cstring, field, keyAt, sumLost, sumPerCpu, writeU32 } from '../../kernel/decode.js';
import { openObject } from '../../kernel/objects.js';
import { addTo, type NetnsActivity } from '../../kernel/snmp.js';
import { IdleTracker } from './idle.js';
import * as L from './layouts.js';
import { nicId, type NicCounter, type NicSnapshot } from './model.js';

/** An entry unchanged this long belongs to an idle or vanished interface and is removed. */
const NIC_IDLE_MS = 30_000;

type Totals = Pick<NicCounter, 'tx_bytes' | 'tx_packets' | 'rx_bytes' | 'rx_packets'>;
type Row = { -readonly [K in keyof NicCounter]: NicCounter[K] };

export class NicCollector {
	private readonly stats: BpfMap;
	private readonly cache: BpfMap;
	private readonly names: BpfMap;
	private readonly lost: BpfMap;
	private readonly idle = new IdleTracker(NIC_IDLE_MS);
	/** Per retired key: what its nic_cache slots held then (they are never freed). */
	private readonly base = new Map<string, Totals>();

	/** Per namespace, its packets at the last read: a namespace whose packets moved is marked in `netns`. */
	private moved = new Map<number, number>();

	/** Loads nic.bpf.o and reads it. */
	static async open(netns?: NetnsActivity): Promise<NicCollector> {
		return new NicCollector(await openObject('nic'), netns);
	}

	constructor(
		readonly obj: BpfObject,
		private readonly netns?: NetnsActivity,
	) {
		try {
			this.stats = obj.map('nic_stats', L.nicKey, L.nicVal);
			this.cache = obj.map('nic_cache', undefined, L.nicSlot);
			this.names = obj.map('nic_names', L.nicNameKey, L.nicName);
			this.lost = obj.map('nic_lost');
		} catch (error) {
			obj.close();
			throw error;
		}
	}

	/** Reads every counter. `now` (ms) only dates activity, to retire idle entries. */
	read(now: number): NicSnapshot {
		// Counters first, names after: the kernel names an interface before it makes its first key visible (a
		// claimed slot, a nic_stats entry), so every key read has its name. Names read first missed the keys made
		// between the two reads: their first interval went unnamed (a series of its own for Prometheus).
		const cacheEntries = this.cache.readAll();
		const statsEntries = this.stats.readAll();
		const names = decodeNicNames(this.names.readAll());
		const cached = decodeNicCache(cacheEntries, names);
		const all = mergeNicCounters(decodeNicCounters(statsEntries, names), cached, this.base);
		const counters: NicCounter[] = [];
		const stale: NicCounter[] = [];
		for (const c of all) {
			if (this.idle.stale(nicId(c), c.tx_packets + c.rx_packets, now)) stale.push(c);
			else counters.push(c);
		}
		this.idle.sweep();
		if (stale.length > 0) this.retire(stale, counters, cached);
		if (this.netns) {
			const totals = new Map<number, number>();
			for (const c of all) addTo(totals, c.netns, c.tx_packets + c.rx_packets);
			this.moved = this.netns.markMoved(this.moved, totals);
		}
		return { counters, lost: this.readLost() };
	}

	close(): void {
		this.obj.close();
	}

	/**
	 * Idle entries (their interface is idle or gone) are deleted here and in
	 * the kernel, so a returning interface counts from zero: nic_stats entries
	 * are deleted, and what a key's nic_cache slots hold becomes its base.
	 * Names go with the last queue, unless a cache slot still names the
	 * interface (the kernel records a name when it takes a slot, once).
	 */
	private retire(stale: readonly NicCounter[], live: readonly NicCounter[], cached: readonly NicCounter[]): void {
		const key = Buffer.alloc(L.nicKey.size);
		const inCache = new Map(cached.map((c) => [nicId(c), c]));
		for (const c of stale) {
			writeU32(key, L.nicKey.fields.netns.offset, c.netns);
			writeU32(key, L.nicKey.fields.ifindex.offset, c.ifindex);
			writeU32(key, L.nicKey.fields.queue.offset, c.queue);
			this.stats.delete(key);
			const slots = inCache.get(nicId(c));
			if (slots) this.base.set(nicId(c), totals(slots));
		}
		const keep = new Set([...live, ...cached].map((c) => `${c.netns}:${c.ifindex}`));
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

const totals = (c: Totals): Totals => ({ tx_bytes: c.tx_bytes, tx_packets: c.tx_packets, rx_bytes: c.rx_bytes, rx_packets: c.rx_packets });

/**
 * The counters of nic_stats and of the nic_cache slots (decodeNicCache) added
 * up per key, less each retired key's base. A retired key whose slots have
 * not moved since, and that nic_stats lacks, stays out.
 */
export function mergeNicCounters(stats: readonly NicCounter[], cached: readonly NicCounter[], base: ReadonlyMap<string, Totals>): NicCounter[] {
	const out = new Map<string, Row>(stats.map((c) => [nicId(c), { ...c }]));
	for (const c of cached) {
		const id = nicId(c);
		const b = base.get(id);
		const grown = b ? { tx_bytes: c.tx_bytes - b.tx_bytes, tx_packets: c.tx_packets - b.tx_packets, rx_bytes: c.rx_bytes - b.rx_bytes, rx_packets: c.rx_packets - b.rx_packets } : totals(c);
		const row = out.get(id);
		if (row) {
			row.tx_bytes += grown.tx_bytes;
			row.tx_packets += grown.tx_packets;
			row.rx_bytes += grown.rx_bytes;
			row.rx_packets += grown.rx_packets;
		} else if (!b || grown.tx_packets + grown.rx_packets > 0) {
			out.set(id, { ...c, ...grown });
		}
	}
	return [...out.values()];
}

/** The claimed nic_cache slots of every CPU, summed per key, with their interface names. */
export function decodeNicCache(entries: MapEntries, names: ReadonlyMap<string, string>): NicCounter[] {
	const k = L.nicKey.fields;
	const v = L.nicVal.fields;
	const keyAt = L.nicSlot.fields.key.offset;
	const valAt = L.nicSlot.fields.val.offset;
	const out = new Map<string, Row>();
	for (let i = 0; i < entries.count; i++) {
		for (let cpu = 0; cpu < entries.cpus; cpu++) {
			const at = i * entries.valueStride + cpu * entries.cpuStride;
			const netns = field(entries.values, at + keyAt, k.netns);
			if (netns === 0) continue; // a free slot
			const ifindex = field(entries.values, at + keyAt, k.ifindex);
			const queue = field(entries.values, at + keyAt, k.queue);
			const id = nicId({ netns, ifindex, queue });
			let row = out.get(id);
			if (!row) out.set(id, (row = { netns, ifindex, queue, ifname: names.get(`${netns}:${ifindex}`) ?? '', tx_bytes: 0, tx_packets: 0, rx_bytes: 0, rx_packets: 0 }));
			row.tx_bytes += field(entries.values, at + valAt, v.tx_bytes);
			row.tx_packets += field(entries.values, at + valAt, v.tx_packets);
			row.rx_bytes += field(entries.values, at + valAt, v.rx_bytes);
			row.rx_packets += field(entries.values, at + valAt, v.rx_packets);
		}
	}
	return [...out.values()];
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
