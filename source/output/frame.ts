// The lines above every tab, in the UI and in the plain table alike: the header, and the top-style summary.
import { line, type Line, type Segment } from '../format/lines.js';
import { clock } from '../format/time.js';
import { ALL_FEATURES, entry, type Sample } from '../features/index.js';
import type { SummaryPart } from '../features/feature.js';
import type { Filter } from '../model/filter.js';
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
	/** The features' flags in force that change what shows (headerModes): "-r connect". */
	readonly modes?: readonly string[];
	/** Replaying a recording: the host it was made on, its first and last readings' times, whether it plays. */
	readonly replay?: { readonly host: string; readonly first: number; readonly last: number; readonly playing: boolean; readonly history?: boolean };
	/** A line of news: where the history was written. */
	readonly note?: string;
}

/** What the header says of the features' flags in force (FeatureFlag.header), from the flags' parsed values by name. */
export function headerModes(settings: Readonly<Record<string, unknown>>): string[] {
	return ALL_FEATURES.flatMap((f) => f.flags.flatMap((flag) => flag.header?.(settings[flag.name]) ?? []));
}

/** The filter in words, a piece per kind: "pid 12 (no such process)", "port 443", ... */
function filterPieces(f: Filter, absent: readonly number[] = []): string[] {
	const pieces: string[] = [];
	if (f.pids.size) pieces.push(`pid ${[...f.pids].join(',')}${absent.length === 0 ? '' : absent.length === f.pids.size ? ' (no such process)' : ` (no process ${absent.join(',')})`}`);
	if (f.ports.size) pieces.push(`port ${[...f.ports].join(',')}`);
	if (f.family) pieces.push(`IPv${f.family}`);
	if (f.noLoopback) pieces.push('no loopback');
	if (f.cgroup !== undefined) pieces.push(`cgroup ${f.cgroup}`);
	return pieces;
}

const width = (l: Line) => l.reduce((n, s) => n + s.text.length, 0);

/** Items in lines of at most `columns`, in order, `gap` columns between two on a line; an item counts for `size(item)`. */
function pack<T>(items: readonly T[], columns: number, gap: number, size: (item: T) => number): T[][] {
	const lines: T[][] = [];
	let used = 0;
	for (const item of items) {
		const current = lines.at(-1);
		if (current && used + gap + size(item) <= columns) {
			current.push(item);
			used += gap + size(item);
		} else {
			lines.push([item]);
			used = size(item);
		}
	}
	return lines;
}

/** Runs of segments side by side, `gap` between them. */
const joined = (runs: readonly (readonly Segment[])[], gap: string): Segment[] => runs.flatMap((run, i) => (i === 0 ? [...run] : [{ text: gap }, ...run]));

/**
 * The header: the time and interval, then the state (PAUSED, every filter and
 * mode in force, LOST). A narrow screen loses the name and the words first
 * (LOST comes first then); what still does not fit goes on more lines, broken
 * between pieces: no state is ever cut off.
 */
export function headerLines({ time, intervalMs, paused, filter, lost, absentPids, modes = [], replay, note }: HeaderProps, columns = Infinity): Line[] {
	// A replay's time says where it is in the recording.
	const shown = `${time === undefined ? '--:--:--' : clock(time)}${replay ? ` of ${clock(replay.first)}-${clock(replay.last)}` : ''}`;
	const every = `${(intervalMs / 1000).toFixed(intervalMs % 1000 ? 2 : 0)}s`;
	const losses = Object.entries(lost);
	// Updates the kernel could not record (a map or ring was full): never hidden.
	const lostRun: Segment[][] = losses.length > 0 ? [[{ text: `LOST ${losses.map(([k, n]) => `${k} ${n}`).join(' ')}`, color: 'red', bold: true }]] : [];
	const pieces = filterPieces(filter, absentPids);
	const filterRuns: Segment[][] = pieces.map((text, i) => [{ text: i === 0 ? `filter: ${text}` : text, color: absentPids?.length ? 'yellow' : 'cyan' }]);
	const replayRuns: Segment[][] = replay ? [[{ text: replay.history ? 'HISTORY' : `REPLAY ${replay.host}`, inverse: true }], ...(replay.playing ? [[{ text: 'PLAYING', color: 'green' as const }]] : [])] : [];
	if (note) replayRuns.push([{ text: note, color: 'yellow' }]);
	const state: Segment[][] = [...replayRuns, ...(paused ? [[{ text: 'PAUSED', inverse: true }]] : []), ...filterRuns, ...modes.map((text): Segment[] => [{ text, color: 'cyan' }])];
	const wide = joined([[{ text: 'nettop', bold: true }], [{ text: shown }], [{ text: `every ${every}` }], ...state, ...lostRun], '  ');
	if (width(wide) <= columns) return [wide];
	const runs: Segment[][] = [[{ text: `${shown} ${every}` }], ...lostRun, ...state];
	return pack(runs, columns, 1, width).map((group) => joined(group, ' '));
}

/** The header on one line (the plain table's: no screen width). */
export const headerLine = (props: HeaderProps): Line => headerLines(props)[0]!;

/** A feature's figure, with the columns its layout reserves for it. */
interface Figure {
	readonly part: SummaryPart;
	readonly width: number;
	readonly shortWidth: number;
}

/** Each sample's figures, worked out once: a screen lays them out on every key and every redraw, and some sum every flow. */
const figuresOf = new WeakMap<Sample, Figure[]>();

/** Each feature's figure, in the registry's order. */
function summaryFigures(sample: Sample): Figure[] {
	let figures = figuresOf.get(sample);
	if (!figures) figuresOf.set(sample, (figures = featureFigures(sample)));
	return figures;
}

function featureFigures(sample: Sample): Figure[] {
	return ALL_FEATURES.flatMap((f) => {
		const view = entry(sample, f.key);
		const part = f.summary(isUnavailable(view) ? undefined : view, sample.interval);
		return part ? [{ part, width: f.figure.width, shortWidth: f.figure.shortWidth ?? f.figure.width }] : [];
	});
}

/** What the byte rates' figures are: a dim legend before them; a narrow screen keeps their unit. */
const LEGEND: Segment[] = [{ text: 'B/s tx rx', dim: true }];
const SHORT_LEGEND: Segment[] = [{ text: 'B/s', dim: true }];

/** The summary's forms, most decorated first: the whole legend, two spaces between figures, the long forms. */
const FORMS = [
	{ legend: LEGEND, gap: '  ', short: false },
	{ legend: SHORT_LEGEND, gap: '  ', short: false },
	{ legend: SHORT_LEGEND, gap: ' ', short: false },
	{ legend: SHORT_LEGEND, gap: ' ', short: true },
] as const;

/**
 * The summary for a screen `columns` wide, as few lines as hold every figure
 * whole (a figure is never cut, nor its unit: the byte rates keep "B/s" at
 * least); on as many lines, the legend's "tx rx" goes first, then the gaps,
 * then the long forms (unless they fit in two lines, where the short ones
 * would need one). Each figure counts for the columns its feature reserves
 * for it (SummaryFigure) unless it is wider: the layout follows the width,
 * and holds still while the figures change.
 */
export function summaryLines(sample: Sample | undefined, columns = Infinity): Line[] {
	if (!sample) return [line('collecting the first interval...', { dim: true })];
	const figures = summaryFigures(sample);
	const runs = FORMS.map(({ legend, gap, short }) => {
		const shown = figures.map((f): { run: Segment[]; size: number } => {
			const text = short ? (f.part.short ?? f.part.text) : f.part.text;
			const run: Segment[] = [{ text: `${f.part.label} `, bold: true }, { text, color: f.part.alert ? 'red' : undefined }];
			return { run, size: Math.max(short ? f.shortWidth : f.width, width(run)) };
		});
		const items = [{ run: [...legend], size: width(legend) }, ...shown];
		return { gap, short, groups: pack(items, columns, gap.length, (item) => item.size) };
	});
	const fewest = (forms: typeof runs) => forms.find((r) => r.groups.length === Math.min(...forms.map((f) => f.groups.length)))!;
	// The long forms name what they show (p50, p99, seg/s): they give way to save a third line, not a second.
	const long = fewest(runs.filter((r) => !r.short));
	const best = long.groups.length <= 2 ? long : fewest(runs);
	return best.groups.map((group) => joined(group.map((item) => item.run), best.gap));
}
