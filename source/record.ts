// -w/--write FILE: the recorder the refresh loop hands each reading, in any mode; a new file when the name's time
// fields change, the oldest beyond --keep deleted; a disk that fails it stops recording, not nettop.
import { accessSync, closeSync, constants, openSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, release, tmpdir, uptime } from 'node:os';
import path from 'node:path';
import { RecordingError } from './format/binary.js';
import { ALL_FEATURES, type Reading } from './features/index.js';
import { RecordingWriter, FORMAT, startsAsRecording, type RecordingHeader } from './recording/file.js';
import { Recording } from './recording/recording.js';
import { HistoryRing } from './recording/ring.js';
import type { LiveHistory } from './ui/store.js';
import { hasTimeFields, namesOf, strftime } from './recording/strftime.js';

export interface Recorder {
	/** Records a reading, after the tick's outputs; a write that fails stops the recording and says so once. */
	add(reading: Reading): void;
	close(): void;
}

export interface RecorderSetup {
	/** The file, or a pattern with time fields (strftime's %Y %m %d %H %M %S %j %F): a new file when the name changes. */
	readonly file: string;
	/** --keep: of the files the pattern names, only so many newest stay. */
	readonly keep?: number;
	readonly version: string;
	readonly intervalMs: number;
	readonly netns: number;
	readonly modes: readonly string[];
	/** Said once, when recording stops early (ENOSPC, EIO...). */
	readonly onFailure: (line: string) => void;
}

/** Opens FILE to record to; a file that cannot be written, or is something other than a recording, throws one line. */
export function openRecorder(setup: RecorderSetup): Recorder {
	const rotating = hasTimeFields(setup.file);
	let name = rotating ? strftime(setup.file, Date.now()) : setup.file;
	let writer: RecordingWriter | undefined = openWriter(setup, name);
	prune(setup, name);
	const stop = (error: unknown) => {
		const w = writer;
		writer = undefined;
		try {
			w?.close();
		} catch {
			// the disk refused that too
		}
		setup.onFailure(`recording to ${name} stopped: ${error instanceof RecordingError ? error.message : ((error as NodeJS.ErrnoException).code ?? (error as Error).message)}`);
	};
	return {
		add(reading) {
			if (!writer) return;
			try {
				const next = rotating ? strftime(setup.file, reading.wall) : name;
				if (next !== name) {
					// The reading ends the old file and starts the new one: no interval falls between them.
					writer.add(reading);
					writer.close();
					writer = undefined;
					name = next;
					writer = openWriter(setup, name);
					prune(setup, name);
				}
				writer.add(reading);
			} catch (error) {
				stop(error);
			}
		},
		close() {
			writer?.close();
			writer = undefined;
		},
	};
}

/** What a recording made now says of itself. */
function headerNow(setup: Pick<RecorderSetup, 'version' | 'intervalMs' | 'netns' | 'modes'>): RecordingHeader {
	const now = Date.now();
	return { format: FORMAT, nettop: setup.version, host: hostname(), kernel: release(), boot: Math.round(now - uptime() * 1000), started: now, interval_s: setup.intervalMs / 1000, netns: setup.netns, modes: setup.modes, tz: Intl.DateTimeFormat().resolvedOptions().timeZone, features: Object.fromEntries(ALL_FEATURES.map((f) => [f.key, f.recorded])), recent_frames: true };
}

function openWriter(setup: RecorderSetup, file: string): RecordingWriter {
	try {
		return RecordingWriter.open(file, headerNow(setup));
	} catch (error) {
		if (error instanceof RecordingError) throw new RecordingError(`-w/--write ${error.message}`);
		const code = (error as NodeJS.ErrnoException).code;
		throw new RecordingError(`-w/--write ${file}: ${code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory' : (code ?? String(error))}`);
	}
}

/** --keep: deletes all but the newest `keep` recordings the pattern names (by name: the fields sort as time does), never the open one, never a file that is not a recording. */
function prune(setup: RecorderSetup, open: string): void {
	if (setup.keep === undefined) return;
	const dir = path.dirname(open);
	const names = namesOf(path.basename(setup.file));
	const ours = readdirSync(dir)
		.filter((n) => names.test(n) && isRecording(path.join(dir, n)))
		.sort();
	for (const n of ours.slice(0, Math.max(0, ours.length - setup.keep))) if (path.join(dir, n) !== path.join(path.dirname(open), path.basename(open))) unlinkSync(path.join(dir, n));
}

function isRecording(file: string): boolean {
	let fd: number | undefined;
	try {
		fd = openSync(file, 'r');
		return startsAsRecording(fd);
	} catch {
		return false;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

/**
 * The UI's history while live: `minutes` of readings kept in memory (the ring
 * is handed each reading), opened as a recording by T, and written by W or
 * SIGUSR1 to ./nettop-HOST-YYYYmmdd-HHMMSS.rec (or the temporary directory
 * when this one cannot be written).
 */
export function liveHistory(minutes: number, setup: Pick<RecorderSetup, 'version' | 'intervalMs' | 'netns' | 'modes'>): { ring: HistoryRing; history: LiveHistory; written: string[] } {
	const ring = new HistoryRing(minutes * 60_000);
	/** The files written, whole paths: said again when nettop exits (the header's note goes with the next key). */
	const written: string[] = [];
	const history: LiveHistory = {
		open: () => new Recording(ring.recording(headerNow(setup)), 'the history'),
		write() {
			const d = new Date();
			const two = (n: number) => String(n).padStart(2, '0');
			const name = `nettop-${hostname()}-${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}.rec`;
			const bytes = ring.recording(headerNow(setup));
			let failed = '';
			// Here, else the temporary directory (a directory that looks writable may not be: /proc).
			for (const dir of [process.cwd(), tmpdir()]) {
				const file = path.join(dir, name);
				try {
					accessSync(dir, constants.W_OK);
					writeFileSync(`${file}.part`, bytes, { flag: 'wx' });
					renameSync(`${file}.part`, file);
				} catch (error) {
					failed ||= `history not written to ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
					continue;
				}
				written.push(file);
				return `wrote history (${Math.max(0, ring.size.readings - 1)} intervals): ${dir === process.cwd() ? name : file}`;
			}
			return failed;
		},
	};
	return { ring, history, written };
}
