// A recording opened for the UI: its intervals in order, any one of them on demand (the next at once, another from
// the full block before it), with the recent-event lists as they were there.
import type { Reading } from '../features/index.js';
import { BlockDecoder, RecordedCgroups, type RecentLists } from './block.js';
import { payloadOf, readRecording, type RecordingHeader } from './file.js';
import { frameAt } from './frame.js';

/** A reading's place: its run (a start of nettop), its time, its frame, and the entry of the full block its chain starts at. */
interface Entry {
	readonly run: number;
	readonly wall: number;
	readonly offset: number;
	readonly full: number;
}

export class Recording {
	readonly headers: RecordingHeader[] = [];
	/** The file's damage, a line each. */
	readonly damage: string[] = [];
	/** Indexes of the readings that close an interval: one before them in the same run. */
	readonly intervals: number[] = [];
	private readonly entries: Entry[] = [];
	/** Per run, the index of its first reading. */
	private readonly runStarts: number[] = [];
	/** At each full block's entry: the recent lists as they were just before it. */
	private readonly recentAt = new Map<number, RecentLists>();
	private readonly cgroups = new RecordedCgroups();
	private decoder = new BlockDecoder(this.cgroups);
	private decoded = -1;

	/**
	 * Reads the file through once, every reading decoded in order: where each
	 * is, and the recent lists at each full block. A file that is not a
	 * recording throws its one line (a RecordingError).
	 */
	constructor(
		private readonly data: Buffer,
		private readonly file: string,
	) {
		const pass = new BlockDecoder(this.cgroups);
		let run = -1;
		let full = -1;
		let recent: RecentLists = {};
		for (const item of readRecording(data, file, pass)) {
			if (item.kind === 'damage') {
				this.damage.push(item.text);
				continue;
			}
			if (item.kind === 'run') {
				this.headers.push(item.header);
				this.runStarts.push(this.entries.length);
				run++;
				recent = {};
				continue;
			}
			const k = this.entries.length;
			if (item.full) {
				full = k;
				this.recentAt.set(k, recent);
			}
			if (this.entries[k - 1]?.run === run) this.intervals.push(k);
			this.entries.push({ run, wall: item.reading.wall, offset: item.offset, full });
			recent = pass.recentLists();
		}
	}

	get length(): number {
		return this.entries.length;
	}

	wallAt(k: number): number {
		return this.entries[k]!.wall;
	}

	/** The first reading of reading k's run. */
	runStart(k: number): number {
		return this.runStarts[this.entries[k]!.run]!;
	}


	/** Reading k: straight after the one decoded last, else decoded again from its full block. */
	reading(k: number): Reading {
		const entry = this.entries[k]!;
		if (k !== this.decoded + 1 || this.entries[this.decoded]?.run !== entry.run) {
			this.decoder = new BlockDecoder(this.cgroups);
			this.decoder.setRecent(this.recentAt.get(entry.full) ?? {});
			for (let j = entry.full; j < k; j++) this.decode(j);
		}
		return this.decode(k);
	}

	private decode(k: number): Reading {
		const frame = frameAt(this.data, this.entries[k]!.offset);
		const reading = this.decoder.decode(payloadOf(frame), frame.type === 'F', `${this.file}: frame at byte ${frame.start} (seq ${frame.seq})`);
		this.decoded = k;
		return reading;
	}
}
