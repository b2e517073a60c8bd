// Plain-text output (not a terminal, no --json): the header, summary and each feature's lines, one block per interval, no escapes.
import { plainText } from '../format/lines.js';
import { ALL_FEATURES, entry, type Sample } from '../features/index.js';
import type { Filter } from '../model/filter.js';
import type { Maybe } from '../model/reading.js';
import { headerLine, summaryLines } from './frame.js';

export interface PlainOptions {
	readonly intervalMs: number;
	readonly filter: Filter;
	/** Inode of nettop's own network namespace: its interfaces show no NETNS. */
	readonly currentNetns: number;
	/** The features' flags in force that the header shows: "-r connect". */
	readonly modes?: readonly string[];
}

/** Every row there is: the plain table is not cut to a screen. */
const ALL = 10_000;

/** The plain table: it keeps each feature's tab state (the NIC history), as the UI does, in the tabs' default sort. */
export class PlainTable {
	private readonly states = new Map<string, unknown>(ALL_FEATURES.map((f) => [f.key, f.tab.initial]));

	constructor(private readonly options: PlainOptions) {}

	/** The lines for one interval: header, summary, then each feature's, a blank line between. */
	lines(sample: Sample): string[] {
		const { intervalMs, filter, currentNetns, modes } = this.options;
		const out = [plainText(headerLine({ time: sample.time, intervalMs, paused: false, filter, lost: sample.lost, absentPids: sample.absentPids, modes })), plainText(summaryLines(sample)[0]!)];
		let short = false;
		for (const f of ALL_FEATURES) {
			const view = entry(sample, f.key) as Maybe<unknown>;
			let state = this.states.get(f.key);
			if (f.tab.next) this.states.set(f.key, (state = f.tab.next(state, view, sample.interval)));
			const lines = f.text(view, { state, sort: f.tab.sorts[0]!, seconds: sample.interval, height: ALL, width: ALL, currentNetns, unicode: false, plain: true });
			// A blank line before each table; figures of a line each follow one another.
			if (!(short && lines.length === 1)) out.push('');
			out.push(...lines);
			short = lines.length === 1;
		}
		const lost = Object.entries(sample.lost).map(([key, n]) => `${key}: ${n} updates lost (map or ring full)`);
		return [...out, ...lost, ''];
	}
}
