// The lines above every tab, in the UI and in the plain table alike: the header, and the top-style summary.
import { line, type Line, type Segment } from '../format/lines.js';
import { clock } from '../format/time.js';
import { ALL_FEATURES, entry, type Sample } from '../features/index.js';
import type { SummaryPart } from '../features/feature.js';
import { isFiltering, type Filter } from '../model/filter.js';
import { isUnavailable } from '../model/reading.js';

export interface HeaderProps {
	/** Wall time of the last reading (epoch ms), undefined before the first. */
	readonly time: number | undefined;
	readonly intervalMs: number;
	readonly paused: boolean;
	readonly filter: Filter;
	/** Updates the kernel could not record in the interval shown, by feature. */
	readonly lost: Readonly<Record<string, number>>;
	/** The filter's PIDs that name no process. */
	readonly absentPids?: readonly number[];
}

function filterText(f: Filter, absent: readonly number[] = []): string {
	const parts: string[] = [];
	if (f.pids.size) parts.push(`pid ${[...f.pids].join(',')}`);
	if (absent.length) parts.push(absent.length === f.pids.size ? '(no such process)' : `(no process ${absent.join(',')})`);
	if (f.ports.size) parts.push(`port ${[...f.ports].join(',')}`);
	if (f.family) parts.push(`IPv${f.family}`);
	if (f.noLoopback) parts.push('no loopback');
	if (f.cgroup !== undefined) parts.push(`cgroup ${f.cgroup}`);
	return parts.join(' ');
}

const width = (l: Line) => l.reduce((n, s) => n + s.text.length, 0);

/** The first of `variants` (most decorated first) that fits in `columns`, else the last. */
function narrowest(variants: readonly Line[], columns: number): Line {
	return variants.find((l) => width(l) <= columns) ?? variants.at(-1)!;
}

/** The header; on a narrow screen the name and the words go before the state: LOST and the filter stay (LOST first, never hidden). */
export function headerLine({ time, intervalMs, paused, filter, lost, absentPids }: HeaderProps, columns = Infinity): Line {
	const shown = time === undefined ? '--:--:--' : clock(time);
	const every = `${(intervalMs / 1000).toFixed(intervalMs % 1000 ? 2 : 0)}s`;
	const losses = Object.entries(lost);
	// Updates the kernel could not record (a map or ring was full): never hidden.
	const lostText = losses.length > 0 ? `LOST ${losses.map(([k, n]) => `${k} ${n}`).join(' ')}` : undefined;
	const state = (gap: string, lostFirst: boolean): Segment[] => {
		const out: Segment[] = [];
		const lostSegment: Segment[] = lostText ? [{ text: `${gap}${lostText}`, color: 'red', bold: true }] : [];
		if (lostFirst) out.push(...lostSegment);
		if (paused) out.push({ text: `${gap}PAUSED`, inverse: true });
		if (isFiltering(filter)) out.push({ text: `${gap}filter: ${filterText(filter, absentPids)}`, color: absentPids?.length ? 'yellow' : 'cyan' });
		if (!lostFirst) out.push(...lostSegment);
		return out;
	};
	return narrowest(
		[
			[{ text: 'nettop', bold: true }, { text: `  ${shown}  every ${every}` }, ...state('  ', false)],
			[{ text: `${shown} ${every}` }, ...state(' ', true)],
		],
		columns,
	);
}

/** Each feature's figure, in the registry's order. */
function summaryParts(sample: Sample): SummaryPart[] {
	return ALL_FEATURES.flatMap((f) => {
		const view = entry(sample, f.key);
		return f.summary(isUnavailable(view) ? undefined : view, sample.interval) ?? [];
	});
}

/** The parts as segments, `gap` between them, their short forms when `short`. */
function figures(parts: readonly SummaryPart[], gap: string, short = false): Segment[] {
	return parts.flatMap((part, i) => {
		const text = short ? (part.short ?? part.text) : part.text;
		return [{ text: `${part.label} `, bold: true }, { text: i < parts.length - 1 ? `${text}${gap}` : text, color: part.alert ? 'red' : undefined }];
	});
}

/** The summary on one line: after the legend of the byte rates; a narrow screen loses the legend, then the gaps, then the long forms. */
export function summaryLine(sample: Sample | undefined, columns = Infinity): Line {
	if (!sample) return line('collecting the first interval...', { dim: true });
	const parts = summaryParts(sample);
	return narrowest([[{ text: 'B/s tx rx ', dim: true }, ...figures(parts, '  ')], figures(parts, '  '), figures(parts, ' '), figures(parts, ' ', true)], columns);
}

/**
 * The summary for a screen `columns` wide: one line when it fits, else two,
 * split between figures: a figure is never cut.
 */
export function summaryLines(sample: Sample | undefined, columns: number): Line[] {
	const one = summaryLine(sample, columns);
	if (!sample || width(one) <= columns) return [one];
	const parts = summaryParts(sample);
	for (const [gap, short] of [['  ', false], [' ', false], [' ', true]] as const) {
		for (let cut = parts.length - 1; cut > 0; cut--) {
			const lines = [figures(parts.slice(0, cut), gap, short), figures(parts.slice(cut), gap, short)];
			if (lines.every((l) => width(l) <= columns)) return lines;
		}
	}
	return [one];
}
