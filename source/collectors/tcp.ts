// tcptop collector: cumulative bytes sent and received per (socket, process), read in place from tcp.bpf.o's slot table.
import * as L from '../../native/layouts.js';
import type { BpfMap } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import { writeU32, writeU64 } from './decode.js';
import { decodeSocketFlow, SlotFlows, type SocketFlow } from './flows.js';
import { FramePool, inSlotOrder, type Framed } from './frames.js';
import { openObject } from './objects.js';
import { SlotTable, wordsU64 } from './slots.js';

/** One process on one connection: decoded once, when nettop first sees it, and shared by every read that holds it. */
export type TcpFlow = SocketFlow;

/** A flow and its cumulative bytes, as one record (tests and small callers). */
export interface TcpCounter extends TcpFlow {
	readonly tx_bytes: number;
	readonly rx_bytes: number;
}

/**
 * Bytes moved per flow since nettop first saw it, in columns: entry i is
 * flows[i], tx[i], rx[i]. `slot` (ascending) places each entry in the kernel's
 * table, so two reads are matched entry by entry without hashing.
 */
export interface TcpSnapshot extends Framed {
	readonly count: number;
	readonly flows: readonly TcpFlow[];
	readonly slot: Uint32Array;
	readonly tx: Float64Array;
	readonly rx: Float64Array;
	readonly lost: number;
}

/** A snapshot from records, slots given by `slotOf` (tests, and callers without a kernel table). */
export function tcpSnapshot(counters: readonly TcpCounter[], lost = 0, slotOf: (c: TcpCounter, i: number) => number = (_c, i) => i): TcpSnapshot {
	const { records, slot } = inSlotOrder(counters, slotOf);
	const column = (f: (c: TcpCounter) => number) => Float64Array.from(records, f);
	return { count: records.length, flows: records, slot, tx: column((c) => c.tx_bytes), rx: column((c) => c.rx_bytes), lost };
}

/** A copy of a snapshot that no later read changes. */
export function retainTcp(s: TcpSnapshot): TcpSnapshot {
	return { count: s.count, flows: s.flows.slice(0, s.count), slot: s.slot.slice(0, s.count), tx: s.tx.slice(0, s.count), rx: s.rx.slice(0, s.count), lost: s.lost };
}

const V = L.tcpVal.fields;
const TX = V.tx_bytes.offset / 4;
const RX = V.rx_bytes.offset / 4;
const PID = V.pid.offset / 4;

export class TcpCollector {
	/** The socket-owner map, for the RTT and retransmit objects to share. */
	readonly owners: BpfMap;
	private readonly table: SlotTable;
	private readonly index: BpfMap;
	private readonly known = new SlotFlows(L.tcpVal, true);
	private indexKeys = Buffer.alloc(0);
	private readonly frames = new FramePool((n) => ({ flows: new Array<TcpFlow>(n), slot: new Uint32Array(n), tx: new Float64Array(n), rx: new Float64Array(n) }));

	constructor(
		private readonly obj: BpfObject = openObject('tcp', {
			hooks: { send: ['nt_tcp_send', 'nt_tcp_send_fx'], recv: ['nt_tcp_recv', 'nt_tcp_recv_fe'], close: ['nt_tcp_closed', 'nt_tcp_clos_fe'] },
			// Owner stamps on connect/listen (a nicety), and the sweep, which covers for an unseen close.
			optional: ['nt_tcp_state', 'nt_tcp_sweep'],
			coveredBy: { close: 'nt_tcp_sweep' },
		}),
	) {
		this.owners = obj.map('sk_owner', undefined, L.sockOwner);
		this.index = obj.map('tcp_index', L.tcpKey);
		this.table = new SlotTable(obj, {
			prefix: 'tcp',
			value: L.tcpVal,
			version: (w, s) => {
				const base = s * this.table.wordsPerSlot;
				return wordsU64(w, base + TX) + wordsU64(w, base + RX);
			},
			retire: (slots, n) => this.unindex(slots, n),
		});
	}

	read(now: number): TcpSnapshot {
		const scan = this.table.scan(now);
		const { words, wordsPerSlot: step } = scan;
		const n = scan.count;
		const { frame, arrays } = this.frames.take(n);
		const { flows, slot, tx, rx } = arrays;
		for (let i = 0; i < n; i++) {
			const s = scan.slots[i]!;
			const base = s * step;
			slot[i] = s;
			tx[i] = wordsU64(words, base + TX);
			rx[i] = wordsU64(words, base + RX);
			flows[i] = this.known.at(words, this.table.bytes, s, base);
		}
		this.table.release();
		const snapshot: TcpSnapshot = { count: n, flows, slot: slot.subarray(0, n), tx: tx.subarray(0, n), rx: rx.subarray(0, n), lost: scan.lost, frame };
		frame.holder = snapshot;
		return snapshot;
	}

	close(): void {
		this.table.close();
		this.obj.close();
	}

	/** Deletes the index entries (cookie, pid) of slots about to be freed. */
	private unindex(slots: Uint32Array, n: number): void {
		const size = this.index.keySize;
		if (this.indexKeys.length < n * size) this.indexKeys = Buffer.alloc(n * size * 2);
		this.indexKeys.fill(0, 0, n * size);
		const { words, wordsPerSlot: step } = this.table;
		let keys = 0;
		for (let i = 0; i < n; i++) {
			const base = slots[i]! * step;
			const cookie = wordsU64(words, base);
			if (cookie >= 2 ** 64 - 1) continue; // an orphan was never indexed
			writeU64(this.indexKeys, keys * size + L.tcpKey.fields.cookie.offset, cookie);
			writeU32(this.indexKeys, keys * size + L.tcpKey.fields.pid.offset, words[base + PID]!);
			keys++;
		}
		if (keys > 0) this.index.deleteMany(this.indexKeys, keys);
	}
}

/** The flow a tcp_vals value at byte `base` holds. */
export function decodeTcpFlow(bytes: Buffer, base: number): TcpFlow {
	return decodeSocketFlow(bytes, base, L.tcpVal);
}
