// -w/--write FILE: the recorder the refresh loop hands each reading, in any mode; a disk that fails it stops recording, not nettop.
import { hostname, release, uptime } from 'node:os';
import { RecordingError } from './format/binary.js';
import type { Reading } from './features/index.js';
import { RecordingWriter, FORMAT } from './recording/file.js';

export interface Recorder {
	/** Records a reading, after the tick's outputs; a write that fails stops the recording and says so once. */
	add(reading: Reading): void;
	close(): void;
}

export interface RecorderSetup {
	readonly file: string;
	readonly version: string;
	readonly intervalMs: number;
	readonly netns: number;
	readonly modes: readonly string[];
	/** Said once, when recording stops early (ENOSPC, EIO...). */
	readonly onFailure: (line: string) => void;
}

/** Opens FILE to record to; a file that cannot be written, or is something other than a recording, throws one line. */
export function openRecorder(setup: RecorderSetup): Recorder {
	const now = Date.now();
	let writer: RecordingWriter | undefined;
	try {
		writer = RecordingWriter.open(setup.file, {
			format: FORMAT,
			nettop: setup.version,
			host: hostname(),
			kernel: release(),
			boot: Math.round(now - uptime() * 1000),
			started: now,
			interval_s: setup.intervalMs / 1000,
			netns: setup.netns,
			modes: setup.modes,
			tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
		});
	} catch (error) {
		if (error instanceof RecordingError) throw new RecordingError(`-w/--write ${error.message}`);
		const code = (error as NodeJS.ErrnoException).code;
		throw new RecordingError(`-w/--write ${setup.file}: ${code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory' : (code ?? String(error))}`);
	}
	return {
		add(reading) {
			if (!writer) return;
			try {
				writer.add(reading);
			} catch (error) {
				const w = writer;
				writer = undefined;
				try {
					w.close();
				} catch {
					// the disk refused that too
				}
				setup.onFailure(`recording to ${setup.file} stopped: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
			}
		},
		close() {
			writer?.close();
			writer = undefined;
		},
	};
}
