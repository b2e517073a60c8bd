// A recording opened for the UI: its intervals in order, any one of them on demand (the next at once, another from
// the full block before it), with the recent-event lists as they were there.
import { RecordingError } from '../format/binary.js';
import type { Reading } from '../features/index.js';
import { BlockDecoder, decodeRecent, RecordedCgroups, type RecentLists } from './block.js';
import { Chain } from './chain.js';
import { payloadOf, readRecording, scanRecording, type RecordingHeader, type ScanItem } from './file.js';
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
	/** At each full block's entry: the recent lists as they were just before it (decoded from its R frame on demand). */
	private readonly recentAt = new Map<number, RecentLists>();
	/** At each full block's entry: the offset of the R frame that holds its lists, or -1 (none since its run began: empty). */
	private readonly recentFrame = new Map<number, number>();
	/** The full blocks (entries) whose chain failed to decode at a jump, said once each. */
	private readonly bad = new Set<number>();
	private readonly cgroups = new RecordedCgroups();
	private decoder = new BlockDecoder(this.cgroups);
	private decoded = -1;

	/**
	 * Reads the file through once: where each reading is and what each full
	 * block needs. Runs written with R frames (the recent lists before a full
	 * block) are read frame by frame, their checksums checked, nothing
	 * decoded: a day's file opens in the time its bytes take to check. Older
	 * files are decoded whole, in order, for the recent lists at each full
	 * block. A file that is not a recording throws its one line (a RecordingError).
	 */
	constructor(
		private readonly data: Buffer,
		private readonly file: string,
	) {
		const scan = [...scanRecording(data, file)];
		if (scan.every((item) => item.kind !== 'run' || item.header.recent_frames === true)) this.scan(scan);
		else this.decodeAll(scan);
	}

	/** Runs with R frames: each reading's place from the frames' heads, each full block's R frame. */
	private scan(items: readonly ScanItem[]): void {
		const chain = new Chain(this.file);
		let [run, full, lastR] = [-1, -1, -1];
		for (const item of items) {
			if (item.kind === 'damage') {
				// An R frame lost in it leaves the full blocks after it the last R seen: their lists lack the events
				// since, as a file decoded whole lacks the events of the blocks damage took.
				this.damage.push(item.text);
				chain.broken();
				continue;
			}
			if (item.kind === 'run') {
				this.headers.push(item.header);
				this.runStarts.push(this.entries.length);
				[run, lastR] = [run + 1, -1];
				chain.broken();
				continue;
			}
			const frame = item.frame;
			if (frame.type === 'R') lastR = frame.start;
			if ((frame.type !== 'F' && frame.type !== 'D') || !chain.takes(frame)) continue;
			const said = chain.read(frame);
			if (said) this.damage.push(said);
			const k = this.entries.length;
			if (frame.type === 'F') {
				full = k;
				this.recentFrame.set(k, lastR);
			}
			if (this.entries[k - 1]?.run === run) this.intervals.push(k);
			this.entries.push({ run, wall: frame.wall, offset: frame.start, full });
		}
		const said = chain.end();
		if (said) this.damage.push(said);
	}

	/** Files without R frames: every reading decoded in order, the recent lists kept at each full block. */
	private decodeAll(items: readonly ScanItem[]): void {
		const pass = new BlockDecoder(this.cgroups);
		let run = -1;
		let full = -1;
		let recent: RecentLists = {};
		for (const item of readRecording(this.data, this.file, pass, items)) {
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


	/**
	 * Reading k: straight after the one decoded last, else decoded again from
	 * its full block. Undefined when it, or a block its chain needs, does not
	 * decode (said once in `damage`): the replay starts over after it.
	 */
	reading(k: number): Reading | undefined {
		const entry = this.entries[k]!;
		try {
			if (k !== this.decoded + 1 || this.entries[this.decoded]?.run !== entry.run) {
				this.decoded = -1;
				this.decoder = new BlockDecoder(this.cgroups);
				this.decoder.setRecent(this.recentBefore(entry.full));
				for (let j = entry.full; j < k; j++) this.decode(j);
			}
			return this.decode(k);
		} catch (error) {
			if (!(error instanceof RecordingError)) throw error;
			this.decoded = -1;
			if (!this.bad.has(entry.full)) {
				this.bad.add(entry.full);
				this.damage.push(`${error.message}: the intervals from the full block before it to the next not shown`);
			}
			return undefined;
		}
	}

	/** The recent lists just before the full block at entry `full`. */
	private recentBefore(full: number): RecentLists {
		const known = this.recentAt.get(full);
		if (known) return known;
		const at = this.recentFrame.get(full) ?? -1;
		if (at < 0) return {};
		const frame = frameAt(this.data, at);
		const lists = decodeRecent(payloadOf(frame), `${this.file}: frame at byte ${frame.start} (seq ${frame.seq})`);
		this.recentAt.set(full, lists);
		return lists;
	}

	private decode(k: number): Reading {
		const frame = frameAt(this.data, this.entries[k]!.offset);
		const reading = this.decoder.decode(payloadOf(frame), frame.type === 'F', `${this.file}: frame at byte ${frame.start} (seq ${frame.seq})`);
		this.decoded = k;
		return reading;
	}
}
