// The UI's history while live (--history MINUTES): the last minutes recorded in memory as a file holds them, whole
// epochs at a time, so they can be stepped through like a replay, or written out as a recording (W, SIGUSR1).
import type { Reading } from '../features/index.js';
import { BlockEncoder, RecentFrames } from './block.js';
import { blockFrame, FULL_EVERY, type RecordingHeader } from './file.js';
import { encodeFrame } from './frame.js';

/** Past this, the oldest epochs go whatever the minutes asked (a storm of events makes big blocks). */
const HISTORY_MAX_BYTES = 64 * 1024 * 1024;

/** An F block (after the R frame before it, when one was written) and the D blocks after it, as frames. */
interface Epoch {
	readonly frames: Buffer[];
	/** The first reading's time. */
	readonly wall: number;
	readings: number;
	bytes: number;
	/** Bytes before its F frame (its R frame's). */
	fullAt: number;
}

export class HistoryRing {
	private readonly blocks = new BlockEncoder();
	private readonly recent = new RecentFrames();
	private readonly epochs: Epoch[] = [];
	private seq = 1;
	private bytes = 0;

	/** Keeps at least `keepMs` of readings (whole epochs), at most `maxBytes`. */
	constructor(
		private readonly keepMs: number,
		private readonly maxBytes = HISTORY_MAX_BYTES,
	) {}

	/** Records a reading: in the tick that read it, after the outputs. */
	add(reading: Reading): void {
		let epoch = this.epochs.at(-1);
		const full = !epoch || epoch.readings >= FULL_EVERY;
		if (full) {
			this.epochs.push((epoch = { frames: [], wall: reading.wall, readings: 0, bytes: 0, fullAt: 0 }));
			const lists = this.recent.beforeFull();
			if (lists) this.push(epoch, 'R', lists, reading.wall, 0);
			epoch.fullAt = epoch.bytes;
		}
		this.push(epoch!, full ? 'F' : 'D', this.blocks.encode(reading, full), reading.wall, full ? 0 : epoch!.bytes - epoch!.fullAt);
		epoch!.readings++;
		this.recent.after(reading);
		this.evict(reading.wall);
	}

	private push(epoch: Epoch, type: 'R' | 'F' | 'D', raw: Buffer, wall: number, fullBack: number): void {
		const frame = blockFrame({ type, seq: this.seq++, wall, fullBack, indexBack: 0 }, raw);
		epoch.frames.push(frame);
		epoch.bytes += frame.length;
		this.bytes += frame.length;
	}

	/** The oldest epoch goes when the rest still cover keepMs, or when the ring holds more than maxBytes. */
	private evict(now: number): void {
		while (this.epochs.length > 1) {
			const [oldest, next] = [this.epochs[0]!, this.epochs[1]!];
			if (now - next.wall < this.keepMs && this.bytes <= this.maxBytes) return;
			this.epochs.shift();
			this.bytes -= oldest.bytes;
		}
	}

	/** Readings held, and the bytes they take. */
	get size(): { readings: number; bytes: number } {
		return { readings: this.epochs.reduce((n, e) => n + e.readings, 0), bytes: this.bytes };
	}

	/** The history as a recording's bytes: its header frame, then every frame held (position-independent: copied as they are). */
	recording(header: RecordingHeader): Buffer {
		const h = Buffer.from(JSON.stringify(header));
		return Buffer.concat([encodeFrame({ type: 'H', flags: 0, rawLength: h.length, seq: 0, wall: header.started, fullBack: 0, indexBack: 0 }, h), ...this.epochs.flatMap((e) => e.frames)]);
	}
}
