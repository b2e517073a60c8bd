// --json output: one NDJSON line per interval, written in pieces (docs/performance.md).
import { Piece } from '../format/json-piece.js';
import { ALL_FEATURES, entry, type Sample } from '../features/index.js';
import { isUnavailable, type Cost } from '../model/reading.js';

const round = (n: number) => Math.round(n * 1e6) / 1e6;

function costJson(cost: Cost): Record<string, number | null> {
	return { cpu: round(cost.cpu), bpf: cost.bpf === undefined ? null : round(cost.bpf) };
}

/**
 * A sample as one line of JSON (time as ISO 8601, interval_s in seconds, each
 * feature's view under its key, then what was lost), in pieces of UTF-8 to
 * write one after another: with tens of thousands of connections a line is
 * megabytes, and its pieces are 64 kB buffers, reused once written (pieceWritten).
 */
export function* jsonPieces(sample: Sample, options: { cost?: boolean } = {}): Generator<Uint8Array> {
	const out = new Piece();
	out.text(`{"time":${JSON.stringify(new Date(sample.time).toISOString())},"interval_s":${JSON.stringify(Math.round(sample.interval * 1e6) / 1e6)}`);
	for (const f of ALL_FEATURES) {
		out.text(`,"${f.key}":`);
		const view = entry(sample, f.key);
		for (const { key, json } of [{ key: f.key, json: f.json }, ...(f.moreJson ?? [])]) {
			if (key !== f.key) out.text(`,"${key}":`);
			if (isUnavailable(view)) out.text(JSON.stringify(view));
			else yield* json(view, out, sample.names);
		}
	}
	if (Object.keys(sample.lost).length > 0) out.text(`,"lost":${JSON.stringify(sample.lost)}`);
	// --cost: nettop's own CPU and its programs' kernel time, in CPUs.
	if (options.cost && sample.cost) out.text(`,"cost":${JSON.stringify(costJson(sample.cost))}`);
	out.text('}');
	yield out.take(true);
}
