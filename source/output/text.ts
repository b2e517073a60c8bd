// Plain-text output (not a terminal, no --json): the UI's views, one block per interval, no escapes.
import { isUnavailable } from '../collectors/sources.js';
import type { UiState } from '../ui/state.js';
import type { Line } from '../ui/view/common.js';
import { headerLine, summaryLine } from '../ui/view/frame.js';
import { nicLines } from '../ui/view/nic.js';
import { statsText } from '../ui/view/rtt.js';
import { tcpLines } from '../ui/view/tcp.js';

const ALL = 10_000;
const text = (l: Line) => l.map((s) => s.text).join('').trimEnd();

/** The lines for one interval: summary, NIC queues, tcptop processes, RTT and retransmit figures. */
export function textBlock(state: UiState, currentNetns: number): string[] {
	const s = state.sample;
	if (!s) return [];
	const rtt = isUnavailable(s.rtt) ? `RTT unavailable: ${s.rtt.unavailable}` : `RTT ${statsText(s.rtt, s.rtt.unit)}`;
	const rtx = isUnavailable(s.retrans) ? `retransmits unavailable: ${s.retrans.unavailable}` : `retransmits ${s.retrans.count}, segments ${s.retrans.segs}`;
	const lost = Object.entries(s.lost).map(([key, n]) => `${key}: ${n} updates lost (map or ring full)`);
	return [
		text(headerLine(state)),
		text(summaryLine(state)),
		'',
		...nicLines(state, ALL, currentNetns, false).map(text),
		'',
		...tcpLines(state, ALL).map(text),
		'',
		rtt,
		rtx,
		...lost,
		'',
	];
}
