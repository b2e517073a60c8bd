// tcptop collector: cumulative bytes sent and received per (socket, process), read in place from tcp.bpf.o's slot table.
import type { BpfMap } from '../../../native/map.js';
import type { BpfObject } from '../../../native/object.js';
import { wordsU64, writeU32, writeU64 } from '../../kernel/decode.js';
import { FramePool } from '../../kernel/frames.js';
import { openObject } from '../../kernel/objects.js';
import type { SocketOwners } from '../../kernel/owners.js';
import { SlotFlows } from '../../kernel/slot-flows.js';
import { SlotTable } from '../../kernel/slot-table.js';
import * as L from './layouts.js';
import type { TcpFlow, TcpSnapshot } from './model.js';

const V = L.tcpVal.fields;
const TX = V.tx_bytes.offset / 4;
const RX = V.rx_bytes.offset / 4;
const PID = V.pid.offset / 4;

export class TcpCollector {
	private readonly table: SlotTable;
	private readonly index: BpfMap;
	private readonly flowsBySlot = new SlotFlows(L.tcpVal, true);
	private indexKeys = Buffer.alloc(0);
	private readonly frames = new FramePool((n) => ({ flows: new Array<TcpFlow>(n), slot: new Uint32Array(n), tx: new Float64Array(n), rx: new Float64Array(n) }));

	/** Loads tcp.bpf.o (in its turn for the owner map) and reads it. */
	static open(owners: SocketOwners): Promise<TcpCollector> {
		// Sends and receives stamp owners in tcp.bpf.o's own slow path, whoever provides the map.
		return owners.open(['nt_tcp_state'], async (join) => {
			const obj = await openObject('tcp', {
				hooks: { send: ['nt_tcp_send', 'nt_tcp_send_fx'], recv: ['nt_tcp_recv', 'nt_tcp_recv_fe'], close: ['nt_tcp_closed', 'nt_tcp_clos_fe'] },
				// Owner stamps on connect/listen (a nicety), and the sweep, which covers for an unseen close.
				optional: ['nt_tcp_state', 'nt_tcp_sweep'],
				coveredBy: { close: 'nt_tcp_sweep' },
				configure: join,
			});
			return new TcpCollector(obj);
		});
	}

	constructor(readonly obj: BpfObject) {
		try {
			this.index = this.obj.map('tcp_index', L.tcpKey);
			this.table = new SlotTable(this.obj, {
				prefix: 'tcp',
				value: L.tcpVal,
				version: (w, s) => {
					const base = s * this.table.wordsPerSlot;
					return wordsU64(w, base + TX) + wordsU64(w, base + RX);
				},
				retire: (slots, n) => this.unindex(slots, n),
			});
		} catch (error) {
			this.obj.close();
			throw error;
		}
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
			flows[i] = this.flowsBySlot.at(words, this.table.bytes, s, base);
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
