// --json output: one NDJSON line per interval.
import { isUnavailable } from '../collectors/sources.js';
import type { Sample } from '../model/sample.js';

/** A sample as one line of JSON: time as ISO 8601, interval in seconds, counters as deltas. */
export function jsonLine(sample: Sample): string {
	const retrans = isUnavailable(sample.retrans)
		? sample.retrans
		: { ...sample.retrans, events: sample.retrans.events.map(({ cookie: _cookie, time, ...e }) => ({ time: new Date(time).toISOString(), ...e })) };
	const out: Record<string, unknown> = {
		time: new Date(sample.time).toISOString(),
		interval: Math.round(sample.interval * 1e6) / 1e6,
		nic: sample.nic,
		tcp: sample.tcp,
		rtt: sample.rtt,
		retrans,
	};
	if (Object.keys(sample.lost).length > 0) out.lost = sample.lost;
	return JSON.stringify(out);
}
