// Plain-text output (no --json, not a TTY UI yet): one block per interval, a row per interface queue.
import { isUnavailable } from '../collectors/sources.js';
import { averageSize, perSecond } from '../model/counters.js';
import { fit, human, padLeft } from '../model/format.js';
import { nicInterfaces } from '../model/nic.js';
import type { Sample } from '../model/sample.js';

const HEADER = `${fit('IFACE', 12)} ${padLeft('NETNS', 10)} ${padLeft('Q', 3)} ${padLeft('TX/s', 6)} ${padLeft('TXpk/s', 6)} ${padLeft('TXavg', 5)} ${padLeft('RX/s', 6)} ${padLeft('RXpk/s', 6)} ${padLeft('RXavg', 5)}`;

/** The lines for one interval; `currentNetns` rows show no namespace number. */
export function textBlock(sample: Sample, currentNetns: number): string[] {
	const time = new Date(sample.time).toTimeString().slice(0, 8);
	const lines = [`${time}  interval ${sample.interval.toFixed(2)}s`];
	if (isUnavailable(sample.nic)) return [...lines, `nic: unavailable: ${sample.nic.unavailable}`, ''];
	lines.push(HEADER);
	const s = sample.interval;
	const cells = (name: string, netns: string, q: string, r: { tx_bytes: number; tx_packets: number; rx_bytes: number; rx_packets: number }) =>
		[
			fit(name, 12),
			padLeft(netns, 10),
			padLeft(q, 3),
			padLeft(human(perSecond(r.tx_bytes, s)), 6),
			padLeft(human(perSecond(r.tx_packets, s), 1000), 6),
			padLeft(human(averageSize(r.tx_bytes, r.tx_packets)), 5),
			padLeft(human(perSecond(r.rx_bytes, s)), 6),
			padLeft(human(perSecond(r.rx_packets, s), 1000), 6),
			padLeft(human(averageSize(r.rx_bytes, r.rx_packets)), 5),
		].join(' ');
	for (const nic of nicInterfaces(sample.nic)) {
		const netns = nic.netns === currentNetns ? '' : String(nic.netns);
		lines.push(cells(nic.ifname || `if${nic.ifindex}`, netns, nic.queues.length > 1 ? 'all' : String(nic.queues[0]!.queue), nic));
		if (nic.queues.length > 1) for (const q of nic.queues) lines.push(cells('', '', String(q.queue), q));
	}
	if (sample.lost.nic) lines.push(`nic: ${sample.lost.nic} updates lost (map full)`);
	lines.push('');
	return lines;
}
