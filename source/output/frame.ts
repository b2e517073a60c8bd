// The lines above every tab, in the UI and in the plain table alike: the header, and the top-style summary.
import { line, type Line, type Segment } from '../format/lines.js';
import { ALL_FEATURES, entry, type Sample } from '../features/index.js';
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
}

function filterText(f: Filter): string {
	const parts: string[] = [];
	if (f.pids.size) parts.push(`pid ${[...f.pids].join(',')}`);
	if (f.ports.size) parts.push(`port ${[...f.ports].join(',')}`);
	if (f.family) parts.push(`IPv${f.family}`);
	return parts.join(' ');
}

export function headerLine({ time, intervalMs, paused, filter, lost }: HeaderProps): Line {
	const clock = time === undefined ? '--:--:--' : new Date(time).toTimeString().slice(0, 8);
	const segments: Segment[] = [{ text: 'nettop', bold: true }, { text: `  ${clock}  every ${(intervalMs / 1000).toFixed(intervalMs % 1000 ? 2 : 0)}s` }];
	if (paused) segments.push({ text: '  PAUSED', inverse: true });
	if (isFiltering(filter)) segments.push({ text: `  filter: ${filterText(filter)}`, color: 'cyan' });
	const losses = Object.entries(lost);
	// Updates the kernel could not record (a map or ring was full): never hidden.
	if (losses.length > 0) segments.push({ text: `  LOST ${losses.map(([k, n]) => `${k} ${n}`).join(' ')}`, color: 'red', bold: true });
	return segments;
}

/** Each feature's figure, in the registry's order, after the legend of the byte rates. */
export function summaryLine(sample: Sample | undefined): Line {
	if (!sample) return line('collecting the first interval...', { dim: true });
	const segments: Segment[] = [{ text: 'B/s tx rx ', dim: true }];
	ALL_FEATURES.forEach((f, i) => {
		const view = entry(sample, f.key);
		const part = f.summary(isUnavailable(view) ? undefined : view, sample.interval);
		segments.push({ text: `${part.label} `, bold: true }, { text: i < ALL_FEATURES.length - 1 ? `${part.text}  ` : part.text, color: part.alert ? 'red' : undefined });
	});
	return segments;
}
