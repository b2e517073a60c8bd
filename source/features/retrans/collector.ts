// Retransmit collector: events from retrans.bpf.o's ring buffer, with owner, segments and kind.
import { kernelHasFunction, kernelTracepointArgs } from '../../../native/btf.js';
import type { BpfMap } from '../../../native/map.js';
import type { BpfObject } from '../../../native/object.js';
import { RingBuffer } from '../../../native/ringbuf.js';
import { cstring, field, sumLost } from '../../kernel/decode.js';
import { openObject } from '../../kernel/objects.js';
import type { SocketOwners } from '../../kernel/owners.js';
import { decodeFlowId } from '../../kernel/slot-flows.js';
import { tcpState } from '../../kernel/tcp-states.js';
import * as L from './layouts.js';
import { nextRecent, type RetransEvent, type RetransKind, type RetransSnapshot } from './model.js';

/** The owner-stamping programs retrans.bpf.o carries, for when no other object provides owners. */
const STAMPERS = ['nt_rtx_own_tx', 'nt_rtx_own_rx', 'nt_rtx_own_st'];

/** The retransmit programs for tracepoints with and without `err`: the kfunc cast first, the helper call after. */
const RETRANS_ERR = ['nt_retrans', 'nt_retrans_sk'] as const;
const RETRANS_NOERR = ['nt_retrans_noerr', 'nt_retrans_noerr_sk'] as const;

const KINDS: RetransKind[] = ['data', 'tlp', 'syn', 'synack'];


export class RetransCollector {
	private readonly ring: RingBuffer;
	private readonly lost: BpfMap;
	private recent: readonly RetransEvent[] = [];

	/** Loads retrans.bpf.o (in its turn for the owner map) and reads it. */
	static open(owners: SocketOwners): Promise<RetransCollector> {
		// Twins by whether this kernel's tracepoint passes `err`; of those, the
		// one that casts with the kfunc bpf_rdonly_cast (Linux 6.2+) when there is one.
		const withErr = (kernelTracepointArgs('tcp_retransmit_skb') ?? 0) >= 3;
		const cast = kernelHasFunction('bpf_rdonly_cast');
		const [pair, other] = withErr ? [RETRANS_ERR, RETRANS_NOERR] : [RETRANS_NOERR, RETRANS_ERR];
		return owners.open(STAMPERS, async (join) => {
			const obj = await openObject('retrans', {
				hooks: { retransmit: cast ? pair : [pair[1]] },
				optional: ['nt_retrans_synack', ...STAMPERS],
				configure: (obj) => {
					for (const p of other) obj.disable(p, withErr ? 'the tracepoint passes err' : 'the tracepoint passes no err');
					if (!cast) obj.disable(pair[0], 'kernel has no bpf_rdonly_cast');
					join(obj);
				},
			});
			return new RetransCollector(obj);
		});
	}

	constructor(readonly obj: BpfObject) {
		try {
			this.lost = this.obj.map('retrans_lost');
			this.ring = new RingBuffer(this.obj.map('retrans_events'));
		} catch (error) {
			this.obj.close();
			throw error;
		}
	}

	read(_now?: number): RetransSnapshot {
		// Event stamps are CLOCK_MONOTONIC (the socket's clock, tcp_clock_ns(), or bpf_ktime_get_ns), as is process.hrtime.
		const wallMinusMono = Date.now() - Number(process.hrtime.bigint()) / 1e6;
		const events = this.ring.consume().map((record) => decodeRetransEvent(record, wallMinusMono));
		if (events.length > 0) this.recent = nextRecent(this.recent, events);
		return { events, recent: this.recent, lost: sumLost(this.lost.readAll()) };
	}

	close(): void {
		this.ring.close();
		this.obj.close();
	}
}

/** One struct nt_retrans_event; `wallMinusMono` turns its monotonic stamp into epoch ms. */
export function decodeRetransEvent(record: Buffer, wallMinusMono: number): RetransEvent {
	const f = L.retransEvent.fields;
	return {
		time: field(record, 0, f.ts_ns) / 1e6 + wallMinusMono,
		cookie: field(record, 0, f.cookie),
		pid: field(record, 0, f.pid),
		comm: cstring(record, f.comm.offset, f.comm.size),
		cgroupId: field(record, 0, f.cgroup),
		...decodeFlowId(record, f.id.offset),
		state: tcpState(field(record, 0, f.state)),
		segs: field(record, 0, f.segs),
		kind: KINDS[field(record, 0, f.kind)] ?? 'data',
	};
}
