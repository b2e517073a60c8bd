// RTT collector: cumulative log2 histograms of smoothed RTT per TCP flow from rtt.bpf.o.
import * as L from '../../native/layouts.js';
import type { BpfMap, MapEntries } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import { cstring, field, keyAt, u32, writeU64 } from './decode.js';
import { FlowTable } from './flow-table.js';
import { decodeFlowId, type OwnedFlow } from './flows.js';
import { openObject } from './objects.js';
import { OWNER_PROGRAMS, useOwners } from './owners.js';

/** One flow's RTT samples since nettop first saw it; slot i counts [2^i, 2^(i+1)). */
export interface RttCounter extends OwnedFlow {
	readonly cookie: number;
	readonly count: number;
	readonly sum: number;
	readonly slots: readonly number[];
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
		this.flows = new FlowTable(this.obj, {
			map: 'rtt_flows',
			closedRing: 'rtt_closed',
			lostMap: 'rtt_lost',
			value: L.rttVal,
			decode: decodeRttCounters,
			version: (c) => c.count,
			writeKey: (c, key) => writeU64(key, 0, c.cookie),
			id: (c) => String(c.cookie),
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

/** rtt_flows entries (key: socket cookie) as counters. */
export function decodeRttCounters(entries: MapEntries): RttCounter[] {
	const v = L.rttVal.fields;
	const out: RttCounter[] = [];
	for (let i = 0; i < entries.count; i++) {
		const base = i * entries.valueStride;
		const slots: number[] = [];
		for (let s = 0; s < L.RTT_SLOTS; s++) slots.push(u32(entries.values, base + v.slots.offset + s * 4));
		out.push({
			cookie: field(keyAt(entries, i), 0, { offset: 0, size: 8, type: 'u64' }),
			pid: field(entries.values, base, v.pid),
			comm: cstring(entries.values, base + v.comm.offset, v.comm.size),
			...decodeFlowId(entries.values, base + v.id.offset),
			count: field(entries.values, base, v.count),
			sum: field(entries.values, base, v.sum),
			slots,
		});
	}
	return out;
}
