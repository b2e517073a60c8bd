// RTT collector: cumulative log2 histograms of smoothed RTT per TCP flow from rtt.bpf.o.
import * as L from '../../native/layouts.js';
import type { BpfMap, MapEntries } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import { cstring, field, keyAt, u32, writeU64 } from './decode.js';
import { FlowTable } from './flow-table.js';
import { decodeFlowId, withFlow, type OwnedFlow } from './flows.js';
import { openObject } from './objects.js';
import { OWNER_PROGRAMS, useOwners } from './owners.js';

/** One flow's RTT samples since nettop first saw it; slot i counts [2^i, 2^(i+1)). */
export interface RttCounter extends OwnedFlow {
	readonly cookie: number;
	readonly count: number;
	readonly sum: number;
	readonly slots: Readonly<ArrayLike<number>>;
}

export interface RttSnapshot {
	readonly unit: 'usecs' | 'msecs';
	readonly counters: readonly RttCounter[];
	readonly lost: number;
}

export class RttCollector {
	private readonly flows: FlowTable<RttCounter>;
	private readonly unit: 'usecs' | 'msecs';
	private readonly obj: BpfObject;

	constructor(options: { ms?: boolean; owners?: BpfMap } = {}) {
		this.unit = options.ms ? 'msecs' : 'usecs';
		this.obj = openObject('rtt', {
			hooks: { sample: ['nt_rtt', 'nt_rtt_fe'], close: ['nt_rtt_closed', 'nt_rtt_clos_fe'] },
			optional: OWNER_PROGRAMS.rtt,
			configure: (obj) => {
				obj.setConstant('targ_ms', Uint8Array.of(options.ms ? 1 : 0));
				useOwners(obj, OWNER_PROGRAMS.rtt, options.owners);
			},
		});
		this.flows = new FlowTable<RttCounter>(this.obj, {
			map: 'rtt_flows',
			closedRing: 'rtt_closed',
			lostMap: 'rtt_lost',
			value: L.rttVal,
			decode: (entries, seen) => decodeRttCounters(entries, seen),
			version: (c) => c.count,
			writeKey: (c, key) => writeU64(key, 0, c.cookie),
			id: (c) => c.cookie,
		});
	}

	read(now: number): RttSnapshot {
		const { entries, lost } = this.flows.read(now);
		return { unit: this.unit, counters: entries, lost };
	}

	close(): void {
		this.flows.close();
		this.obj.close();
	}
}

/** A Uint32Array over `buf` when its layout allows (aligned, host order is the map's), else undefined. */
function hostU32(buf: Buffer): Uint32Array | undefined {
	return buf.byteOffset % 4 === 0 ? new Uint32Array(buf.buffer, buf.byteOffset, Math.floor(buf.length / 4)) : undefined;
}

/**
 * rtt_flows entries (key: socket cookie) as counters. With `seen` (the last
 * read's counters by cookie), a flow's addresses are reused, and its comm too
 * while its owner is the same.
 */
export function decodeRttCounters(entries: MapEntries, seen?: ReadonlyMap<number | string, RttCounter>): RttCounter[] {
	const v = L.rttVal.fields;
	const out: RttCounter[] = [];
	// The slots as u32s in place (host order, 4-byte aligned), without a call per slot.
	const words = hostU32(entries.values);
	for (let i = 0; i < entries.count; i++) {
		const base = i * entries.valueStride;
		const cookie = field(keyAt(entries, i), 0, { offset: 0, size: 8, type: 'u64' });
		const count = field(entries.values, base, v.count);
		const known = seen?.get(cookie);
		// Unchanged since the last read: the same record does.
		if (known && known.count === count) {
			out.push(known);
			continue;
		}
		const pid = field(entries.values, base, v.pid);
		let slots: ArrayLike<number>;
		if (words) {
			const first = (base + v.slots.offset) / 4;
			slots = words.slice(first, first + L.RTT_SLOTS);
		} else {
			const copy = new Array<number>(L.RTT_SLOTS);
			for (let s = 0; s < L.RTT_SLOTS; s++) copy[s] = u32(entries.values, base + v.slots.offset + s * 4);
			slots = copy;
		}
		const id = known ?? decodeFlowId(entries.values, base + v.id.offset);
		const comm = known && known.pid === pid ? known.comm : cstring(entries.values, base + v.comm.offset, v.comm.size);
		out.push(withFlow({ cookie, pid, comm, count, sum: field(entries.values, base, v.sum), slots }, id));
	}
	return out;
}
