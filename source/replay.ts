// -R/--replay FILE to stdout: the recorded intervals as --json printed them live, or as the plain table; no kernel, no root.
import { readFileSync } from 'node:fs';
import { RecordingError } from './format/binary.js';
import type { Filter } from './model/filter.js';
import type { Options } from './options.js';
import { jsonPieces } from './output/json.js';
import { writeOut } from './output/stdout.js';
import { PlainTable } from './output/text.js';
import type { Reading } from './features/index.js';
import { Pipeline, spanReadings } from './pipeline.js';
import { readRecording, type RecordingHeader } from './recording/file.js';
import { frameAt } from './recording/frame.js';
import { Recording } from './recording/recording.js';
import { localTime, resolveWhen, type When } from './recording/when.js';
import { UiStore } from './ui/store.js';

export interface ReplayOptions {
	readonly file: string;
	readonly json: boolean;
	readonly cost: boolean;
	readonly count: number | undefined;
	readonly filter: Filter;
	readonly begin?: When;
	readonly end?: When;
	/** -i: the recorded intervals merged into intervals this long (ms); each starts at a recorded reading. */
	readonly mergeMs?: number;
}

/** Where the lines go (awaited: a slow reader holds the replay back), and where what was skipped is said. */
export interface ReplayOut {
	write(text: string | Uint8Array): Promise<void>;
	warn(line: string): void;
	readonly stopped: () => boolean;
}

/** The file's bytes, or one line saying why not. */
function readRecordingFile(file: string): Buffer {
	try {
		return readFileSync(file);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new RecordingError(`-R/--replay ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory, not a recording' : (code ?? String(error))}`);
	}
}

/**
 * Replays a recording: each run's readings through a pipeline of their own
 * (no interval spans two runs of nettop), as live made them. The clock in
 * the plain table reads the recording's time zone unless TZ is set.
 */
export async function replayToStdout(options: ReplayOptions, out: ReplayOut): Promise<void> {
	const data = readRecordingFile(options.file);
	const span = spanOf(data, options);
	let pipeline: Pipeline | undefined;
	let plain: PlainTable | undefined;
	let printed = 0;
	const merge = options.mergeMs === undefined ? undefined : new Merge(options.mergeMs, span, out);
	for (const item of readRecording(data, options.file)) {
		if (out.stopped() || (options.count !== undefined && printed >= options.count)) return;
		if (item.kind === 'damage') {
			out.warn(item.text);
			continue;
		}
		if (item.kind === 'run') {
			useTimeZone(item.header);
			merge?.run(item.header, options.file);
			// Replay cannot ask whether a PID names a process: the filter never says it does not.
			pipeline = new Pipeline(options.filter, () => true);
			plain = options.json ? undefined : new PlainTable({ intervalMs: options.mergeMs ?? item.header.interval_s * 1000, filter: options.filter, currentNetns: item.header.netns, modes: item.header.modes });
			continue;
		}
		const reading = merge ? merge.next(item.reading) : item.reading;
		if (!reading) continue;
		const sample = pipeline?.push(reading);
		if (!sample || sample.time < span.from || sample.time > span.to) continue;
		printed++;
		if (plain) {
			await out.write(`${plain.lines(sample).join('\n')}\n`);
			continue;
		}
		for (const piece of jsonPieces(sample, { cost: options.cost })) await out.write(piece);
		await out.write('\n');
	}
	merge?.run(undefined, options.file);
	if (printed === 0 && span.first !== undefined && Number.isFinite(span.first) && !out.stopped()) {
		const [from, to] = [Number.isFinite(span.from) ? localTime(span.from) : 'its start', Number.isFinite(span.to) ? localTime(span.to) : 'its end'];
		out.warn(`no recorded interval ends between ${from} and ${to}: the recording runs from ${localTime(span.first)} to ${localTime(span.last!)}`);
	}
}

/**
 * -i on a replay: the readings of each run taken a whole number of recorded
 * intervals apart, each standing for those since the one before
 * (spanReadings), as if nettop had read the kernel that often. The first
 * starts the first interval (with --begin, the first at or after it); the
 * readings after the last whole interval of a run are said to be left out.
 */
class Merge {
	private base: Reading | undefined;
	private window: Reading[] = [];
	private recordedMs = 0;
	/** A reading after --end came: the interval left open ends there, not with the run. */
	private cut = false;

	constructor(
		private readonly mergeMs: number,
		private readonly span: { readonly from: number; readonly to: number },
		private readonly out: Pick<ReplayOut, 'warn'>,
	) {}

	/** A run of nettop starts (its header), or the recording ends (undefined). */
	run(header: RecordingHeader | undefined, file: string): void {
		if (this.window.length > 0) {
			const last = this.window.at(-1)!;
			const seconds = Math.round((last.mono - this.base!.mono) / 100) / 10;
			this.out.warn(`-i ${this.mergeMs / 1000}: the ${seconds}s to ${localTime(last.wall)} make no whole interval of ${this.mergeMs / 1000}s (${this.cut ? '--end comes' : 'the run ends'}): left out`);
		}
		[this.base, this.window, this.cut] = [undefined, [], false];
		if (!header) return;
		this.recordedMs = header.interval_s * 1000;
		const times = this.mergeMs / this.recordedMs;
		if (Math.abs(times - Math.round(times)) > 1e-9 || times < 1) {
			throw new RecordingError(`-i ${this.mergeMs / 1000}: ${file} was recorded every ${header.interval_s}s; a replay merges whole intervals (-i ${header.interval_s}, ${header.interval_s * 2}, ${header.interval_s * 3}...)`);
		}
	}

	/** The reading to hand the pipeline, or undefined while the interval is not whole. */
	next(reading: Reading): Reading | undefined {
		if (reading.wall > this.span.to) {
			this.cut = true;
			return undefined;
		}
		if (!this.base) {
			if (reading.wall < this.span.from) return undefined;
			this.base = reading;
			return reading;
		}
		this.window.push(reading);
		// Half a recorded interval early: readings are a little more or less than an interval apart.
		if (reading.mono - this.base.mono < this.mergeMs - this.recordedMs / 2) return undefined;
		const spanned = spanReadings(this.window);
		[this.base, this.window] = [reading, []];
		return spanned;
	}
}

/**
 * --begin and --end as instants, resolved against the recording's first and
 * last readings in its time zone (a first pass reads only the frames' heads).
 */
function spanOf(data: Buffer, options: ReplayOptions): { from: number; to: number; first?: number; last?: number } {
	if (!options.begin && !options.end) return { from: -Infinity, to: Infinity };
	let [first, last] = [Infinity, -Infinity];
	for (let at = 0; at < data.length; ) {
		let frame;
		try {
			frame = frameAt(data, at);
		} catch {
			break; // damage: the replay says it
		}
		if (frame.type === 'H' && first === Infinity) useTimeZone(JSON.parse(Buffer.from(frame.payload).toString()) as RecordingHeader);
		if (frame.type === 'F' || frame.type === 'D') [first, last] = [Math.min(first, frame.wall), Math.max(last, frame.wall)];
		at = frame.end;
	}
	const from = options.begin ? resolveWhen(options.begin, first, last) : -Infinity;
	const to = options.end ? resolveWhen(options.end, first, last) : Infinity;
	if (from > to) throw new RecordingError(`--begin ${localTime(from)} is after --end ${localTime(to)}`);
	return { from, to, first, last };
}

function useTimeZone(header: RecordingHeader): void {
	if (process.env.TZ === undefined && header.tz) process.env.TZ = header.tz;
}

/** -R/--replay to stdout, JSON lines or the plain table, stopped by a signal as live is: the exit code. A bad file throws a RecordingError. */
export async function replay(file: string, options: Options): Promise<number> {
	const stop = new AbortController();
	let exitCode = 0;
	for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(s, (signal) => {
			exitCode = signal === 'SIGINT' ? 0 : 128 + (signal === 'SIGTERM' ? 15 : 1);
			stop.abort();
		});
	}
	process.stdout.on('error', () => stop.abort()); // reader went away (| head): stop quietly
	const out = { write: (text: string | Uint8Array) => writeOut(text, stop.signal), warn: (line: string) => process.stderr.write(`nettop: ${line}\n`), stopped: () => stop.signal.aborted };
	await replayToStdout({ file, json: options.json, cost: options.cost, count: options.count, filter: options.filter, begin: options.begin, end: options.end, mergeMs: options.mergeMs }, out);
	return exitCode;
}

/**
 * -R/--replay in a terminal: the UI on the recording, every tab, key and
 * filter as live; t/T step, r rewinds, space plays at the recorded pace.
 * Damage found in the file is said after the UI closes.
 */
export async function replayUi(file: string, options: Options, importUi: () => Promise<typeof import('./tui.js')>): Promise<number> {
	const rec = new Recording(readRecordingFile(file), file);
	if (rec.intervals.length === 0) throw new RecordingError(`${file} holds no interval to show (${rec.length} reading${rec.length === 1 ? '' : 's'})`);
	const header = rec.headers[0]!;
	useTimeZone(header);
	const store = new UiStore(new Pipeline(options.filter, () => true), { intervalMs: header.interval_s * 1000, filter: options.filter, tab: options.tab, replay: rec });
	const { startTui } = await importUi();
	return new Promise<number>((resolve) => {
		let timer: NodeJS.Timeout | undefined;
		const play = () => {
			clearTimeout(timer);
			const r = store.getState().replay;
			if (!r?.playing) return;
			// The recorded pace: the time between this reading and the next.
			const [k, next] = [rec.intervals[r.at]!, rec.intervals[r.at + 1]!];
			timer = setTimeout(() => store.dispatch({ type: 'step', by: 1 }), Math.max(10, Math.min(60_000, rec.wallAt(next) - rec.wallAt(k))));
		};
		const unsubscribe = store.subscribe(play);
		const finish = (code: number) => {
			clearTimeout(timer);
			unsubscribe();
			stopUi();
			for (const line of rec.damage) process.stderr.write(`nettop: ${line}\n`);
			resolve(code);
		};
		const stopUi = startTui(store, { currentNetns: header.netns, modes: header.modes, onQuit: () => finish(0) });
		for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, (signal) => finish(signal === 'SIGINT' ? 0 : 128 + (signal === 'SIGTERM' ? 15 : 1)));
	});
}
