// Connections collector: per-namespace counters from conns.bpf.o's per-CPU map, events from its ring, and the Tcp MIB of the namespaces nettop can enter.
import { existsSync } from 'node:fs';
import { kernelHasStruct } from '../../../native/btf.js';
import { errnoName } from '../../../native/errors.js';
import type { BpfMap, MapEntries } from '../../../native/map.js';
import type { BpfObject } from '../../../native/object.js';
import { RingBuffer } from '../../../native/ringbuf.js';
import { cstring, field, keyAt, LOST_EVENT, lostAt, sumLost, u32, u64Big } from '../../kernel/decode.js';
import { openObject } from '../../kernel/objects.js';
import type { SocketOwners } from '../../kernel/owners.js';
import { decodeFlowId } from '../../kernel/slot-flows.js';
import { tcpState } from '../../kernel/tcp-states.js';
import { sampledOut, setEventRate } from '../../kernel/sampling.js';
import { sampleBudget } from '../../kernel/layouts.js';
import { NetnsRetirer } from '../../kernel/netns.js';
import { addTo, NetnsMib, snmpCounter, type NetnsActivity } from '../../kernel/snmp.js';
import * as L from './layouts.js';
import { COUNT_NAMES, nextRecent, type ConnCounts, type ConnEvent, type ConnEventType, type ConnsSight, type ConnsSnapshot, type Direction, type TcpMib } from './model.js';

/** The owner-stamping programs conns.bpf.o carries, for when no other object provides owners. */
const STAMPERS = ['nt_con_own_tx', 'nt_con_own_rx', 'nt_con_own_st'];
const ACCEPTS = ['nt_conn_accept4', 'nt_conn_accept'];
/** Where libbpf looks for tracepoint ids. */
const TRACEFS = ['/sys/kernel/tracing/events', '/sys/kernel/debug/tracing/events'];

const TYPES: ConnEventType[] = ['connect', 'accept', 'close', 'fail', 'reset_in', 'reset_out'];
const DIRECTIONS: (Direction | undefined)[] = [undefined, 'connect', 'accept'];
/** bpf/conns.h FLAG_* */
const FLAG_NO_SYN = 1;
const FLAG_STARTED = 2;
const FLAG_NO_SOCK = 4;
const FLAG_ABORT = 8;

/** What a failed open's errno says, in the words the tab uses. */
const REASONS: Record<string, string> = {
	ECONNREFUSED: 'refused',
	ETIMEDOUT: 'timed out',
	ECONNRESET: 'reset',
	EHOSTUNREACH: 'unreachable',
	ENETUNREACH: 'unreachable',
	EPIPE: 'reset',
};

/** Why an open failed, from the socket's error and the event's flags. */
export function failReason(err: number, flags: number): string {
	if (flags & FLAG_NO_SYN) return 'no SYN sent';
	if (err === 0) return 'closed by the application';
	const name = errnoName(err);
	return REASONS[name] ?? name;
}

const TWO_64 = 1n << 64n;

/** Per namespace, each counter summed over the CPUs modulo 2^64: a CPU's slot may have wrapped below zero (bpf/conns.h). */
export function decodeCounts(entries: MapEntries): Map<number, ConnCounts> {
	const f = L.connCounts.fields;
	const out = new Map<number, ConnCounts>();
	for (let i = 0; i < entries.count; i++) {
		const netns = u32(keyAt(entries, i), 0);
		const c: Record<string, number> = {};
		for (const name of COUNT_NAMES) {
			let sum = 0n;
			for (let cpu = 0; cpu < entries.cpus; cpu++) sum += u64Big(entries.values, i * entries.valueStride + cpu * entries.cpuStride + f[name].offset);
			c[name] = Number(sum % TWO_64);
		}
		out.set(netns, c as unknown as ConnCounts);
	}
	return out;
}

/** One struct nt_conn_event; `wallMinusMono` turns its monotonic stamp into epoch ms. Every event has the same shape (fields of other types undefined): many are decoded a second. */
export function decodeConnEvent(record: Buffer, wallMinusMono: number): ConnEvent {
	const f = L.connEvent.fields;
	const type = TYPES[field(record, 0, f.type)] ?? 'close';
	const flags = field(record, 0, f.flags);
	const id = decodeFlowId(record, f.id.offset);
	const close = type === 'close';
	return {
		time: field(record, 0, f.ts_ns) / 1e6 + wallMinusMono,
		type,
		direction: DIRECTIONS[field(record, 0, f.dir)],
		pid: field(record, 0, f.pid),
		comm: cstring(record, f.comm.offset, f.comm.size),
		cgroupId: field(record, 0, f.cgroup),
		netns: id.netns,
		family: id.family,
		laddr: id.laddr,
		lport: id.lport,
		raddr: id.raddr,
		rport: id.rport,
		state: tcpState(field(record, 0, f.state)),
		durationMs: close && flags & FLAG_STARTED ? field(record, 0, f.duration_ns) / 1e6 : undefined,
		txBytes: close ? field(record, 0, f.tx_bytes) : undefined,
		rxBytes: close ? field(record, 0, f.rx_bytes) : undefined,
		abort: close ? (flags & FLAG_ABORT) !== 0 : undefined,
		latencyUs: type === 'connect' ? field(record, 0, f.latency_us) : undefined,
		reason: type === 'fail' ? failReason(field(record, 0, f.err), flags) : undefined,
		noSocket: type === 'reset_out' && (flags & FLAG_NO_SOCK) !== 0 ? true : undefined,
	};
}

/** The Tcp MIB counters of one namespace text of /proc/net/snmp the feature reads. */
function tcpMib(text: string): TcpMib | undefined {
	const established = snmpCounter(text, 'Tcp', 'CurrEstab');
	const attemptFails = snmpCounter(text, 'Tcp', 'AttemptFails');
	return established === undefined || attemptFails === undefined ? undefined : { established, attemptFails };
}

/** Events a second the list gets at most, over all CPUs: the rest are sampled out (counted). */
export const EVENTS_PER_SECOND = 5000;

export interface ConnsOptions {
	readonly owners: SocketOwners;
	/** Events a second the list gets at most (EVENTS_PER_SECOND). */
	readonly eventsPerSecond?: number;
	/** Only events of this end: -r connect|accept. */
	readonly direction?: Direction;
	/** Names of namespaces by inode, whose MIB nettop reads; read anew each interval. */
	readonly netnsNames: () => ReadonlyMap<number, string>;
	/** The namespaces whose counters moved this read: their MIB is read (kernel/snmp.ts). */
	readonly netns: NetnsActivity;
}

export class ConnsCollector {
	private readonly counts: BpfMap;
	private readonly lost: BpfMap;
	private readonly sampled: BpfMap;
	private readonly ring: RingBuffer;
	private readonly sight: ConnsSight;
	private recent: readonly ConnEvent[] = [];
	private readonly mib = new NetnsMib('snmp', tcpMib);
	private moved = new Map<number, number>();
	private readonly retirer: NetnsRetirer;

	/** Loads conns.bpf.o (in its turn for the owner map) and reads it. */
	static open(options: ConnsOptions): Promise<ConnsCollector> {
		return options.owners.open(STAMPERS, async (join) => {
			const obj = await openObject('conns', {
				hooks: { state: ['nt_conn_state'] },
				optional: ['nt_conn_rst_out', 'nt_conn_rst_in', ...ACCEPTS, ...STAMPERS],
				configure: (obj) => {
					setEventRate(obj, options.eventsPerSecond ?? EVENTS_PER_SECOND, { map: 'conns_events', eventBytes: L.connEvent.size });
					join(obj);
				},
			});
			return new ConnsCollector(obj, options);
		});
	}

	constructor(
		readonly obj: BpfObject,
		private readonly options: ConnsOptions,
	) {
		try {
			this.counts = this.obj.map('conns_counts', undefined, L.connCounts);
			this.lost = this.obj.map('conns_lost');
			this.sampled = this.obj.map('conns_budget', undefined, sampleBudget);
			this.ring = new RingBuffer(this.obj.map('conns_events'));
		} catch (error) {
			this.obj.close();
			throw error;
		}
		this.retirer = new NetnsRetirer(options.netns.liveness);
		const attached = (program: string) => !this.obj.skipped.some((s) => s.program === program);
		// Linux 6.9 gave tcp_send_reset an event class of its own when it began to fire without a socket.
		const withoutSocket = kernelHasStruct('trace_event_raw_tcp_send_reset');
		const accepts = ACCEPTS.every(attached);
		this.sight = {
			resetsSent: !attached('nt_conn_rst_out') ? 'none' : withoutSocket ? 'all' : 'sockets',
			resetsReceived: attached('nt_conn_rst_in'),
			accepts,
			// libbpf finds a syscall tracepoint's id in tracefs: without it mounted, the kernel's tracepoints are there but cannot be attached.
			acceptsWhy: accepts || TRACEFS.some((dir) => existsSync(dir)) ? undefined : 'tracefs is not mounted: mount -t tracefs nodev /sys/kernel/tracing',
		};
	}

	read(now = performance.now()): ConnsSnapshot {
		const wallMinusMono = Date.now() - Number(process.hrtime.bigint()) / 1e6;
		let events = this.ring.consume().map((record) => decodeConnEvent(record, wallMinusMono));
		const only = this.options.direction;
		if (only) events = events.filter((e) => e.direction === only);
		if (events.length > 0) this.recent = nextRecent(this.recent, events);
		const lost = this.lost.readAll();
		const eventsLost = lostAt(lost, LOST_EVENT);
		const counts = decodeCounts(this.counts.readAll());
		const totals = new Map<number, number>();
		for (const [netns, c] of counts) for (const n of Object.values(c)) addTo(totals, netns, n);
		this.moved = this.options.netns.markMoved(this.moved, totals);
		// The entries of namespaces gone (pods that came and went): CONNS_NETNS_MAX would fill with the dead.
		const gone = this.retirer.gone(totals, now);
		if (gone.length > 0) {
			const keys = Buffer.alloc(4 * gone.length);
			gone.forEach((netns, i) => keys.writeUInt32LE(netns, 4 * i));
			this.counts.deleteMany(keys, gone.length);
			for (const netns of gone) counts.delete(netns);
		}
		return {
			counts,
			// Right after the counters: what the kernel counted meanwhile differs only by the moment between.
			mib: this.mib.read(this.options.netnsNames(), this.options.netns, now),
			events,
			recent: this.recent,
			eventsLost,
			eventsSampled: sampledOut(this.sampled),
			sight: this.sight,
			lost: sumLost(lost),
		};
	}

	close(): void {
		this.ring.close();
		this.obj.close();
	}
}
