// The top-style summary line: totals across every collector for one interval.
import { isUnavailable } from '../collectors/sources.js';
import { perSecond } from './counters.js';
import type { Sample } from './sample.js';

export interface Summary {
	/** Bytes per second over all NIC queues (undefined when the collector is unavailable). */
	readonly nicTx?: number;
	readonly nicRx?: number;
	readonly tcpTx?: number;
	readonly tcpRx?: number;
	readonly rttP50?: number;
	readonly rttP99?: number;
	readonly rttUnit: 'usecs' | 'msecs';
	/** Retransmitted segments per second. */
	readonly retransSegs?: number;
}

export function summarize(s: Sample): Summary {
	const t = s.interval;
	const sum = <T>(rows: readonly T[], f: (r: T) => number) => rows.reduce((n, r) => n + f(r), 0);
	const nic = isUnavailable(s.nic) ? undefined : s.nic;
	const tcp = isUnavailable(s.tcp) ? undefined : s.tcp;
	const rtt = isUnavailable(s.rtt) ? undefined : s.rtt;
	const retrans = isUnavailable(s.retrans) ? undefined : s.retrans;
	return {
		nicTx: nic && perSecond(sum(nic, (r) => r.tx_bytes), t),
		nicRx: nic && perSecond(sum(nic, (r) => r.rx_bytes), t),
		tcpTx: tcp && perSecond(tcp.sum('tx'), t),
		tcpRx: tcp && perSecond(tcp.sum('rx'), t),
		rttP50: rtt && rtt.count > 0 ? rtt.p50 : undefined,
		rttP99: rtt && rtt.count > 0 ? rtt.p99 : undefined,
		rttUnit: rtt?.unit ?? 'usecs',
		retransSegs: retrans && perSecond(retrans.segs, t),
	};
}
