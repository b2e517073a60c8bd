// Drops collector: counts per reason and place and per flow from drops.bpf.o's maps, a sample of events from its ring, named by the running kernel.
import { kernelTracepointArgs } from '../../../native/btf.js';
import type { BpfMap, MapEntries } from '../../../native/map.js';
import type { BpfObject } from '../../../native/object.js';
import { RingBuffer } from '../../../native/ringbuf.js';
import { cstring, field, keyAt, LOST_EVENT, lostAt, sumLost, sumPerCpu, u32, u64Big } from '../../kernel/decode.js';
import { Kallsyms } from '../../kernel/kallsyms.js';
import { openObject } from '../../kernel/objects.js';
import type { SocketOwners } from '../../kernel/owners.js';
import { sampledOut, setEventRate } from '../../kernel/sampling.js';
import { sampleBudget } from '../../kernel/layouts.js';
import { decodeFlowId } from '../../kernel/slot-flows.js';
import { NetnsRetirer } from '../../kernel/netns.js';
import { addTo, NetnsMib, snmpCounter, type NetnsActivity } from '../../kernel/snmp.js';
import * as L from './layouts.js';
import { nextRecent, type DropCount, type DropEvent, type DropFlow, type DropsSnapshot, type ListenCounters } from './model.js';
import { FdOwners } from './fd-owners.js';
import { protocolName } from '../../kernel/protocols.js';
import { DropReasons } from './reasons.js';
import { DropFlowTable, stateName } from './flow-table.js';

const STAMPERS = ['nt_drp_own_tx', 'nt_drp_own_rx', 'nt_drp_own_st'];
/** Events a second the list gets at most, over all CPUs: drops come in storms. */
export const DROP_EVENTS_PER_SECOND = 2000;

export interface DropsOptions {
	readonly owners: SocketOwners;
	readonly eventsPerSecond?: number;
	/** Names of namespaces by inode, whose TcpExt nettop reads; read anew each interval. */
	readonly netnsNames: () => ReadonlyMap<number, string>;
	/** The namespaces whose counters moved this read: their TcpExt is read (kernel/snmp.ts). */
	readonly netns: NetnsActivity;
}

/** ListenOverflows and ListenDrops from the text of /proc/net/netstat. */
function listenCounters(text: string): ListenCounters | undefined {
	const overflows = snmpCounter(text, 'TcpExt', 'ListenOverflows');
	const drops = snmpCounter(text, 'TcpExt', 'ListenDrops');
	return overflows === undefined || drops === undefined ? undefined : { overflows, drops };
}


export class DropsCollector {
	private readonly counts: BpfMap;
	private readonly cache: BpfMap;
	private readonly ifnames: BpfMap;
	private readonly flows: BpfMap;
	private readonly lost: BpfMap;
	private readonly sampled: BpfMap;
	private readonly ring: RingBuffer;
	private readonly reasons = new DropReasons();
	private readonly symbols = new Kallsyms();
	private readonly names = new Map<string, string>();
	/** Owners of the sockets no program stamped. */
	private readonly fdOwners = new FdOwners();
	/** The flows, decoded as their counts move. */
	private readonly flowTable = new DropFlowTable(this.reasons, (pid, comm, cgroupId, ino) => this.owner(pid, comm, cgroupId, ino));
	private recent: readonly DropEvent[] = [];
	private readonly listen = new NetnsMib('netstat', listenCounters);
	private moved = new Map<number, number>();
	private readonly retirer: NetnsRetirer;
	/** Per cache slot (index * CPUs + CPU) of a namespace gone, its count then: the slot stays the key's (bpf/drops.bpf.c), its drops since are the count less this. */
	private readonly cacheBase = new Map<number, number>();

	/** Loads drops.bpf.o (in its turn for the owner map) and reads it. */
	static async open(options: DropsOptions): Promise<DropsCollector> {
		const args = kernelTracepointArgs('kfree_skb') ?? 0;
		if (args < 3) throw new Error('drop reasons need Linux 5.17 or later (skb:kfree_skb passes no reason here)');
		return options.owners.open(STAMPERS, async (join) => {
			const obj = await openObject('drops', {
				hooks: { drop: args >= 4 ? ['nt_drop_rx_sk', 'nt_drop'] : ['nt_drop'] },
				optional: STAMPERS,
				configure: (obj) => {
					if (args < 4) obj.disable('nt_drop_rx_sk', 'the tracepoint passes no rx_sk');
					setEventRate(obj, options.eventsPerSecond ?? DROP_EVENTS_PER_SECOND, { map: 'drops_events', eventBytes: L.dropEvent.size });
					join(obj);
				},
			});
			return new DropsCollector(obj, options);
		});
	}

	constructor(
		readonly obj: BpfObject,
		private readonly options: DropsOptions,
	) {
		try {
			this.counts = this.obj.map('drops_counts', L.dropKey);
			this.cache = this.obj.map('drops_cache', undefined, L.dropSlot);
			this.ifnames = this.obj.map('drops_ifnames', L.dropIfnameKey, L.dropIfname);
			this.flows = this.obj.map('drops_flows', L.dropFlowKey, L.dropFlow);
			this.lost = this.obj.map('drops_lost');
			this.sampled = this.obj.map('drops_budget', undefined, sampleBudget);
			this.ring = new RingBuffer(this.obj.map('drops_events'));
		} catch (error) {
			this.obj.close();
			throw error;
		}
		this.retirer = new NetnsRetirer(options.netns.liveness);
	}

	/** Whether this read has re-read the kernel's names already: a name still missing then waits for the next read. */
	private namesRead = false;

	private ifname(netns: number, ifindex: number): string {
		if (ifindex === 0) return '';
		const key = `${netns}:${ifindex}`;
		let name = this.names.get(key);
		if (name === undefined && !this.namesRead) {
			this.namesRead = true;
			const entries = this.ifnames.readAll();
			for (let i = 0; i < entries.count; i++) {
				const k = keyAt(entries, i);
				this.names.set(`${u32(k, 0)}:${u32(k, 4)}`, cstring(entries.values, i * entries.valueStride, 16));
			}
			name = this.names.get(key);
		}
		return name ?? `if${ifindex}`;
	}

	read(now: number): DropsSnapshot {
		this.namesRead = false;
		const wallMinusMono = Date.now() - Number(process.hrtime.bigint()) / 1e6;
		const records = this.ring.consume();
		// The places not named yet, all in one pass over the kernel's symbols.
		this.symbols.resolve(records.map((r) => u64Big(r, L.dropEvent.fields.location.offset)));
		const flows = this.flows.readAll();
		const changed = this.flowTable.changed(flows, now, (idle) => this.flows.deleteMany(Buffer.concat(idle), idle.length));
		// The owners of sockets no program stamped, all in one look through /proc (a flow records its inode stamped or not).
		const f = L.dropFlow.fields;
		const inodes = changed.indexes.filter((i) => field(flows.values, i * flows.valueStride, f.pid) === 0).map((i) => field(flows.values, i * flows.valueStride, f.ino));
		for (const r of records) inodes.push(field(r, 0, L.dropEvent.fields.ino));
		this.fdOwners.resolve(inodes);
		const events = records.map((r) => this.decodeEvent(r, wallMinusMono));
		if (events.length > 0) this.recent = nextRecent(this.recent, events);
		const lost = this.lost.readAll();
		const { counts, entries, cache } = this.readCounts();
		const totals = new Map<number, number>();
		for (const c of counts.values()) addTo(totals, c.netns, c.count);
		this.moved = this.options.netns.markMoved(this.moved, totals);
		const gone = this.retirer.gone(totals, now);
		if (gone.length > 0) this.retire(new Set(gone), counts, entries, cache);
		return {
			counts,
			flows: this.flowTable.decode(flows, changed, now),
			events,
			recent: this.recent,
			eventsLost: lostAt(lost, LOST_EVENT),
			eventsSampled: sampledOut(this.sampled),
			listen: this.listen.read(this.options.netnsNames(), this.options.netns, now),
			lost: sumLost(lost),
		};
	}

	/** Per key, drops_counts' per-CPU values and every CPU's cache slot that holds the key, added up; and the entries read. */
	private readCounts(): { counts: Map<string, DropCount>; entries: MapEntries; cache: MapEntries } {
		const out = new Map<string, DropCount>();
		const add = (k: Buffer, count: number) => {
			const f = L.dropKey.fields;
			const netns = field(k, 0, f.netns);
			const ifindex = field(k, 0, f.ifindex);
			const protocol = protocolName(field(k, 0, f.eth_proto), field(k, 0, f.ip_proto));
			const reason = this.reasons.name(field(k, 0, f.reason));
			const key = `${netns}|${ifindex}|${protocol}|${reason}`;
			const before = out.get(key);
			out.set(key, { netns, ifindex, ifname: this.ifname(netns, ifindex), protocol, reason, count: (before?.count ?? 0) + count });
		};
		const entries = this.counts.readAll();
		for (let i = 0; i < entries.count; i++) add(keyAt(entries, i), sumPerCpu(entries, i, { offset: 0, size: 8, type: 'u64' }));
		const cache = this.cache.readAll();
		const reasonAt = L.dropSlot.fields.key.offset + L.dropKey.fields.reason.offset;
		for (let i = 0; i < cache.count; i++) {
			for (let cpu = 0; cpu < cache.cpus; cpu++) {
				const base = i * cache.valueStride + cpu * cache.cpuStride;
				if (u32(cache.values, base + reasonAt) === 0) continue;
				const count = field(cache.values, base, L.dropSlot.fields.count) - (this.cacheBase.get(i * cache.cpus + cpu) ?? 0);
				if (count > 0) add(cache.values.subarray(base, base + L.dropKey.size), count);
			}
		}
		return { counts: out, entries, cache };
	}

	/** Deletes what the kernel and nettop hold for the namespaces `gone`: their counts (a cache slot's count becomes its base), interface names, and their rows in `counts`. */
	private retire(gone: ReadonlySet<number>, counts: Map<string, DropCount>, entries: MapEntries, cache: MapEntries): void {
		const netnsOf = (b: Buffer, at: number) => field(b, at, L.dropKey.fields.netns);
		const keys: Buffer[] = [];
		for (let i = 0; i < entries.count; i++) {
			const k = keyAt(entries, i);
			if (gone.has(netnsOf(k, 0))) keys.push(Buffer.from(k));
		}
		if (keys.length > 0) this.counts.deleteMany(Buffer.concat(keys), keys.length);
		const keyAtSlot = L.dropSlot.fields.key.offset;
		for (let i = 0; i < cache.count; i++) {
			for (let cpu = 0; cpu < cache.cpus; cpu++) {
				const base = i * cache.valueStride + cpu * cache.cpuStride;
				if (u32(cache.values, base + keyAtSlot + L.dropKey.fields.reason.offset) !== 0 && gone.has(netnsOf(cache.values, base + keyAtSlot))) {
					this.cacheBase.set(i * cache.cpus + cpu, field(cache.values, base, L.dropSlot.fields.count));
				}
			}
		}
		const names = this.ifnames.readAll();
		const dead: Buffer[] = [];
		for (let i = 0; i < names.count; i++) {
			const k = keyAt(names, i);
			if (gone.has(u32(k, 0))) dead.push(Buffer.from(k));
		}
		if (dead.length > 0) this.ifnames.deleteMany(Buffer.concat(dead), dead.length);
		for (const key of this.names.keys()) if (gone.has(Number(key.slice(0, key.indexOf(':'))))) this.names.delete(key);
		for (const [key, c] of counts) if (gone.has(c.netns)) counts.delete(key);
	}

	/** The stamped owner, else the owner /proc names for the socket's inode, else none (pid 0). */
	private owner(pid: number, comm: string, cgroupId: number, ino: number): { pid: number; comm: string; cgroupId: number } {
		return pid === 0 ? (this.fdOwners.get(ino) ?? { pid, comm, cgroupId }) : { pid, comm, cgroupId };
	}

	private decodeEvent(r: Buffer, wallMinusMono: number): DropEvent {
		const f = L.dropEvent.fields;
		const socket = field(r, 0, f.has_sock) !== 0;
		const id = decodeFlowId(r, f.id.offset);
		return {
			time: field(r, 0, f.ts_ns) / 1e6 + wallMinusMono,
			reason: this.reasons.name(field(r, 0, f.reason)),
			location: this.symbols.name(u64Big(r, f.location.offset)),
			ifname: this.ifname(id.netns, field(r, 0, f.ifindex)),
			protocol: protocolName(field(r, 0, f.eth_proto), field(r, 0, f.ip_proto)),
			...this.owner(field(r, 0, f.pid), cstring(r, f.comm.offset, f.comm.size), field(r, 0, f.cgroup), field(r, 0, f.ino)),
			...id,
			state: stateName(field(r, 0, f.state)),
			socket,
		};
	}

	close(): void {
		this.ring.close();
		this.obj.close();
	}
}
