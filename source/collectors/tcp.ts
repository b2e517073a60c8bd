// tcptop collector: cumulative bytes sent and received per (socket, process) from tcp.bpf.o.
import * as L from '../../native/layouts.js';
import type { BpfMap, MapEntries } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import { cstring, field, keyAt, writeU32, writeU64 } from './decode.js';
import { FlowTable } from './flow-table.js';
import { decodeFlowId, withFlow, type OwnedFlow } from './flows.js';
import { openObject } from './objects.js';

/** Bytes one process moved on one connection since nettop first saw it do so. */
export interface TcpCounter extends OwnedFlow {
	readonly cookie: number;
	readonly tx_bytes: number;
	readonly rx_bytes: number;
}

export interface TcpSnapshot {
	readonly counters: readonly TcpCounter[];
	readonly lost: number;
}

/**
 * Identifies one process on one socket: a number (cheap to hash) while the
 * cookie stays below 2^31, as it does for the first two billion sockets since boot.
 */
export function tcpId(c: { cookie: number; pid: number }): number | string {
	return c.cookie < 2 ** 31 ? c.cookie * 2 ** 22 + c.pid : `${c.cookie}:${c.pid}`;
}

export class TcpCollector {
	/** The socket-owner map, for the RTT and retransmit objects to share. */
	readonly owners: BpfMap;
	private readonly flows: FlowTable<TcpCounter>;

	constructor(
		private readonly obj: BpfObject = openObject('tcp', {
			hooks: { send: ['nt_tcp_send', 'nt_tcp_send_fx'], recv: ['nt_tcp_recv', 'nt_tcp_recv_fe'], close: ['nt_tcp_closed', 'nt_tcp_clos_fe'] },
			optional: ['nt_tcp_state'], // owner stamps on connect/listen: a nicety
		}),
	) {
		this.owners = obj.map('sk_owner', undefined, L.sockOwner);
		this.flows = new FlowTable<TcpCounter>(obj, {
			map: 'tcp_flows',
			closedRing: 'tcp_closed',
			lostMap: 'tcp_lost',
			key: L.tcpKey,
			value: L.tcpVal,
			decode: (entries, seen) => decodeTcpCounters(entries, seen),
			version: (c) => c.tx_bytes + c.rx_bytes,
			writeKey: (c, key) => {
				writeU64(key, L.tcpKey.fields.cookie.offset, c.cookie);
				writeU32(key, L.tcpKey.fields.pid.offset, c.pid);
			},
			id: tcpId,
		});
	}

	read(now: number): TcpSnapshot {
		const { entries, lost } = this.flows.read(now);
		return { counters: entries, lost };
	}

	close(): void {
		this.flows.close();
		this.obj.close();
	}
}

/**
 * tcp_flows entries as counters. A socket's addresses and comm never change,
 * so with `seen` (the counters of the last read, by tcpId) they are reused,
 * not decoded again: with tens of thousands of flows that is most of the work.
 */
export function decodeTcpCounters(entries: MapEntries, seen?: ReadonlyMap<number | string, TcpCounter>): TcpCounter[] {
	const k = L.tcpKey.fields;
	const v = L.tcpVal.fields;
	const out: TcpCounter[] = [];
	for (let i = 0; i < entries.count; i++) {
		const key = keyAt(entries, i);
		const base = i * entries.valueStride;
		const cookie = field(key, 0, k.cookie);
		const pid = field(key, 0, k.pid);
		const known = seen?.get(tcpId({ cookie, pid }));
		const id = known ?? { comm: cstring(entries.values, base + v.comm.offset, v.comm.size), ...decodeFlowId(entries.values, base + v.id.offset) };
		out.push(withFlow({ cookie, pid, comm: id.comm, tx_bytes: field(entries.values, base, v.tx_bytes), rx_bytes: field(entries.values, base, v.rx_bytes) }, id));
	}
	return out;
}
