// Drops' flow table as read each interval: a flow decoded when its count moves, kept as it was while the count holds.
import type { MapEntries } from '../../../native/map.js';
import { cstring, field, keyAt } from '../../kernel/decode.js';
import { KeyIndex, keyWords } from '../../kernel/key-index.js';
import { decodeFlowId } from '../../kernel/slot-flows.js';
import { tcpState } from '../../kernel/tcp-states.js';
import * as L from './layouts.js';
import type { DropFlow } from './model.js';
import type { DropReasons } from './reasons.js';

/** A flow whose count has not moved for this long is removed from the kernel's table (it counts again from 0 if it drops again). */
export const FLOW_IDLE_MS = 60_000;

/** A socket's TCP state by name; null for none (no socket, or not a TCP one). */
export const stateName = (n: number): string | null => (n === 0 ? null : tcpState(n));

/** A socket's owner: the stamped one, or the one /proc names for its inode. */
type OwnerOf = (pid: number, comm: string, cgroupId: number, ino: number) => { pid: number; comm: string; cgroupId: number };

/** What the collector keeps per flow key: a number naming the key while kept, its count when it last changed, when that was, the flow as decoded then (reused while the count holds), and the last read that had it. */
interface SeenFlow {
	readonly id: number;
	count: number;
	at: number;
	flow: DropFlow;
	read: number;
}

/** What changed() leaves for decode(): the flows unchanged, the indexes of those whose counts moved, and what was kept of each of those. */
export interface ChangedFlows {
	readonly out: Map<number, DropFlow>;
	readonly indexes: number[];
	readonly seen: (SeenFlow | undefined)[];
	readonly words: Uint32Array;
}

/** drops_flows read by read: `changed()`, then (the owners of the changed looked for) `decode()`. */
export class DropFlowTable {
	/** Per flow key, what is kept of it. */
	private readonly seen = new KeyIndex<SeenFlow>(L.dropFlowKey.size);
	private reads = 0;
	private nextFlowId = 1;

	constructor(
		private readonly reasons: DropReasons,
		private readonly owner: OwnerOf,
	) {}

	/**
	 * The flows unchanged since last decoded, and the indexes of those whose
	 * counts moved; the ones that stopped dropping for FLOW_IDLE_MS taken out
	 * of the kernel's table (`forget`).
	 */
	changed(entries: MapEntries, now: number, forget: (keys: Buffer[]) => void): ChangedFlows {
		const read = ++this.reads;
		const words = keyWords(entries.keys);
		const out = new Map<number, DropFlow>();
		const indexes: number[] = [];
		const seenOf: (SeenFlow | undefined)[] = [];
		const idle: Buffer[] = [];
		for (let i = 0; i < entries.count; i++) {
			const seen = this.seen.get(words, i);
			if (seen && seen.count === field(entries.values, i * entries.valueStride, L.dropFlow.fields.count)) {
				// Left unmarked, it is forgotten at the end of the read.
				if (now - seen.at > FLOW_IDLE_MS) idle.push(Buffer.from(keyAt(entries, i)));
				else {
					// Unchanged: the flow as decoded when it last changed (a churn leaves tens of thousands of these for a minute).
					seen.read = read;
					out.set(seen.id, seen.flow);
				}
				continue;
			}
			indexes.push(i);
			seenOf.push(seen);
		}
		if (idle.length > 0) forget(idle);
		return { out, indexes, seen: seenOf, words };
	}

	/** Every flow: the unchanged as they were, the changed decoded (an unstamped socket's owner from /proc). */
	decode(entries: MapEntries, { out, indexes, seen: seenOf, words }: ChangedFlows, now: number): Map<number, DropFlow> {
		const f = L.dropFlow.fields;
		const read = this.reads;
		for (let n = 0; n < indexes.length; n++) {
			const i = indexes[n]!;
			const k = keyAt(entries, i);
			const base = i * entries.valueStride;
			const count = field(entries.values, base, f.count);
			const owner = this.owner(field(entries.values, base, f.pid), cstring(entries.values, base + f.comm.offset, f.comm.size), field(entries.values, base, f.cgroup), field(entries.values, base, f.ino));
			const at = decodeFlowId(k, L.dropFlowKey.fields.id.offset);
			// One literal, not spreads of the owner and the flow: thousands a second under a churn.
			const flow: DropFlow = {
				pid: owner.pid,
				comm: owner.comm,
				cgroupId: owner.cgroupId,
				netns: at.netns,
				family: at.family,
				laddr: at.laddr,
				lport: at.lport,
				raddr: at.raddr,
				rport: at.rport,
				reason: this.reasons.name(field(k, 0, L.dropFlowKey.fields.reason)),
				state: stateName(field(entries.values, base, f.state)),
				count,
			};
			const seen = seenOf[n];
			if (seen) {
				seen.count = count;
				seen.at = now;
				seen.flow = flow;
				seen.read = read;
				out.set(seen.id, flow);
			} else {
				const id = this.nextFlowId++;
				this.seen.add(words, i, { id, count, at: now, flow, read });
				out.set(id, flow);
			}
		}
		this.seen.retain((s) => s.read === read);
		return out;
	}
}
