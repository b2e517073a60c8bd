// A recording on disk (issue 31, docs/recording.md): frames appended whole, one write each, and read back in order,
// past damage: a torn tail ends the replay where it starts, a frame whose checksum fails is skipped and said.
import { closeSync, fdatasync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { RecordingError } from '../format/binary.js';
import { ALL_FEATURES, type Reading } from '../features/index.js';
import { BlockDecoder, BlockEncoder, RecentFrames } from './block.js';
import { Chain } from './chain.js';
import { DEFLATED, encodeFrame, frameAt, type Frame, type FrameHead, type FrameType } from './frame.js';

/** The format this build writes; a file of a newer one is refused. */
export const FORMAT = 1;
/** A full block (a new epoch) every so many blocks: a damaged delta costs at most the blocks to the next. */
export const FULL_EVERY = 60;

/**
 * deflate's fastest level: a block of 10,000 flows moving (20 kB) took
 * 0.2 ms to 5.5 kB at level 1 against 1.9 ms to 4.4 kB at zlib's default 6
 * (docs/performance.md): a tenth of the time for a fifth more bytes.
 */
export const DEFLATE = { level: 1 } as const;

/** A block's frame: deflated when that makes it smaller, else as it is. */
export function blockFrame(head: Omit<FrameHead, 'flags' | 'rawLength'>, raw: Buffer, compress = true): Buffer {
	const packed = compress ? deflateRawSync(raw, DEFLATE) : undefined;
	const deflated = packed !== undefined && packed.length < raw.length;
	return encodeFrame({ ...head, flags: deflated ? DEFLATED : 0, rawLength: raw.length }, deflated ? packed : raw);
}

/** The H frame's payload, as JSON: what a replay needs to know of where and how the recording was made. */
export interface RecordingHeader {
	readonly format: number;
	readonly nettop: string;
	readonly host: string;
	readonly kernel: string;
	/** When the host booted (ms since the epoch). */
	readonly boot: number;
	/** When this run of nettop started recording (ms since the epoch). */
	readonly started: number;
	readonly interval_s: number;
	/** nettop's own network namespace: rows in it show no NETNS. */
	readonly netns: number;
	/** The header's modes (-r connect, ...). */
	readonly modes: readonly string[];
	/** The time zone the clock in the UI's header was read in. */
	readonly tz: string;
	/** Each feature's record version (Feature.recorded) by key; absent in files written before it was (all 1). */
	readonly features?: Readonly<Record<string, number>>;
	/** The run writes R frames (the recent lists before a full block): a jump needs no block before its full block's epoch. */
	readonly recent_frames?: boolean;
}

const MAGIC = Buffer.from('nR');

/** Whether the file open at `fd` starts as a recording does; false for an empty one. */
export function startsAsRecording(fd: number): boolean {
	const first = Buffer.alloc(2);
	return readSync(fd, first, 0, 2, 0) === 2 && first.equals(MAGIC);
}

/** Appends readings to FILE: a header frame for this run, then a block per reading. */
export class RecordingWriter {
	private readonly blocks = new BlockEncoder();
	private readonly recent = new RecentFrames();
	private seq = 0;
	/** Where the next frame starts, and where the last full block started. */
	private at: number;
	private fullAt = -1;
	private sinceFull = FULL_EVERY;
	private syncing = false;
	private closed = false;

	private constructor(
		private readonly fd: number,
		readonly file: string,
		header: RecordingHeader,
	) {
		this.at = fstatSync(fd).size;
		this.frame('H', Buffer.from(JSON.stringify(header)), header.started, false);
	}

	/**
	 * Opens FILE to append to: a new file, or a recording (a restart adds a
	 * run to it). Anything else is left alone: a RecordingError says so.
	 */
	static open(file: string, header: RecordingHeader): RecordingWriter {
		const fd = openSync(file, 'a+');
		try {
			if (fstatSync(fd).size > 0 && !startsAsRecording(fd)) throw new RecordingError(`${file} is not a nettop recording: not written over`);
			return new RecordingWriter(fd, file, header);
		} catch (error) {
			closeSync(fd);
			throw error;
		}
	}

	/** Records a reading: call in the tick that read it, after the outputs. */
	add(reading: Reading): void {
		if (this.closed) return;
		const full = this.sinceFull >= FULL_EVERY;
		this.sinceFull = full ? 1 : this.sinceFull + 1;
		const lists = full ? this.recent.beforeFull() : undefined;
		if (lists) this.frame('R', lists, reading.wall, true);
		if (full) this.fullAt = this.at;
		this.frame(full ? 'F' : 'D', this.blocks.encode(reading, full), reading.wall, true);
		this.recent.after(reading);
	}

	/** Ends the run with an E frame and closes the file. */
	close(): void {
		if (this.closed) return;
		this.frame('E', Buffer.alloc(0), Date.now(), false);
		this.closed = true;
		closeSync(this.fd);
	}

	/** One write per frame, so a kill loses at most the frame being written; flushed to the disk behind it, one flush at a time. */
	private frame(type: FrameType, raw: Buffer, wall: number, compress: boolean): void {
		const bytes = blockFrame({ type, seq: this.seq++, wall, fullBack: this.fullAt < 0 || type === 'H' ? 0 : this.at - this.fullAt, indexBack: 0 }, raw, compress);
		writeSync(this.fd, bytes);
		this.at += bytes.length;
		if (this.syncing) return;
		this.syncing = true;
		fdatasync(this.fd, () => {
			this.syncing = false;
		});
	}
}

/** What a replay meets in a file, in order. */
export type ReplayItem =
	| { readonly kind: 'run'; readonly header: RecordingHeader; readonly offset: number }
	| { readonly kind: 'reading'; readonly reading: Reading; readonly seq: number; readonly offset: number; readonly full: boolean }
	/** Damage, said in one line: what was skipped, or where the file ends. */
	| { readonly kind: 'damage'; readonly text: string };

function header(frame: Frame, file: string): RecordingHeader {
	let h: RecordingHeader;
	try {
		h = JSON.parse(Buffer.from(payloadOf(frame)).toString('utf8')) as RecordingHeader;
	} catch {
		throw new RecordingError(`${file}: its header at byte ${frame.start} is not JSON`);
	}
	if (typeof h.format !== 'number') throw new RecordingError(`${file}: its header at byte ${frame.start} has no format version`);
	if (h.format > FORMAT) throw new RecordingError(`${file} is in format ${h.format}, newer than this nettop reads (${FORMAT}): replay it with nettop ${h.nettop} or later`);
	const wrong = (['host', 'tz', 'nettop'] as const).find((k) => typeof h[k] !== 'string') ?? (['interval_s', 'netns', 'started'] as const).find((k) => typeof h[k] !== 'number') ?? (Array.isArray(h.modes) ? undefined : 'modes');
	if (wrong) throw new RecordingError(`${file}: its header at byte ${frame.start} has no ${wrong}`);
	// A feature this nettop does not know is left out of the replay; one it knows in a newer shape is not read wrong.
	for (const f of ALL_FEATURES) {
		const version = h.features?.[f.key] ?? 1;
		if (typeof version !== 'number') throw new RecordingError(`${file}: its header at byte ${frame.start} has no record version for ${f.key}`);
		if (version > f.recorded) throw new RecordingError(`${file} holds ${f.key} records of version ${version}, newer than this nettop reads (${f.recorded}): replay it with nettop ${h.nettop} or later`);
	}
	return h;
}

/** A frame's payload as written: inflated when it was stored deflated. */
export function payloadOf(frame: Frame): Uint8Array {
	if (!(frame.flags & DEFLATED)) return frame.payload;
	let raw: Buffer;
	try {
		raw = inflateRawSync(frame.payload);
	} catch {
		throw new RecordingError(`frame at byte ${frame.start} (seq ${frame.seq}): its payload does not inflate`);
	}
	if (raw.length !== frame.rawLength) throw new RecordingError(`frame at byte ${frame.start} (seq ${frame.seq}): inflates to ${raw.length} bytes, not ${frame.rawLength}`);
	return raw;
}

const clock = (wall: number) => new Date(wall).toISOString();

/** The next offset after `from` where a whole, checked frame starts; -1 when none does. */
function nextFrame(data: Buffer, from: number): number {
	for (let at = data.indexOf(MAGIC, from); at >= 0; at = data.indexOf(MAGIC, at + 1)) {
		try {
			frameAt(data, at);
			return at;
		} catch {
			// not a frame's start
		}
	}
	return -1;
}

/** What a scan of a file meets, in order: runs, whole checked frames (not decoded), damage. */
export type ScanItem = { readonly kind: 'run'; readonly header: RecordingHeader; readonly offset: number } | { readonly kind: 'frame'; readonly frame: Frame } | { readonly kind: 'damage'; readonly text: string };

/**
 * Every run and frame of a recording, in order, each frame's checksum
 * checked, nothing inflated or decoded. A file that does not start with a
 * nettop recording's header throws a RecordingError (one line); bytes that
 * are no frame are an item that says what was skipped, and the scan goes on
 * at the next frame.
 */
export function* scanRecording(data: Buffer, file: string): Generator<ScanItem> {
	let first: Frame;
	try {
		first = frameAt(data, 0);
	} catch (error) {
		if (data.length === 0) throw new RecordingError(`${file} is empty`);
		if (data.subarray(0, 2).equals(MAGIC)) throw new RecordingError(`${file}: its header is damaged (${(error as Error).message}): what it says (host, time zone) is needed to replay it`);
		throw new RecordingError(`${file} is not a nettop recording`);
	}
	if (first.type !== 'H') throw new RecordingError(`${file} is not a nettop recording: it starts with no header`);
	let last: { seq: number; wall: number } | undefined;
	for (let at = 0; at < data.length; ) {
		let frame: Frame;
		try {
			frame = frameAt(data, at);
		} catch (error) {
			const next = nextFrame(data, at + 1);
			const after = last ? `, after seq ${last.seq} (${clock(last.wall)})` : '';
			if (next < 0) {
				yield { kind: 'damage', text: `${file} ends at byte ${data.length} inside a frame that starts at byte ${at}${after}: replayed up to there` };
				break;
			}
			yield { kind: 'damage', text: `${file}: bytes ${at}-${next - 1} skipped${after}: ${(error as Error).message}` };
			at = next;
			continue;
		}
		at = frame.end;
		if (frame.type === 'H') yield { kind: 'run', header: header(frame, file), offset: frame.start };
		else {
			if (frame.type === 'F' || frame.type === 'D') last = { seq: frame.seq, wall: frame.wall };
			yield { kind: 'frame', frame };
		}
	}
}

/**
 * Every run and reading of a recording, in order. A file that does not start
 * with a nettop recording's header throws a RecordingError (one line); damage
 * after it is an item that says what was skipped, and the replay goes on.
 */
export function* readRecording(data: Buffer, file: string, blocks = new BlockDecoder(), items: Iterable<ScanItem> = scanRecording(data, file)): Generator<ReplayItem> {
	const chain = new Chain(file);
	for (const item of items) {
		if (item.kind === 'damage') {
			yield item;
			chain.broken();
			continue;
		}
		if (item.kind === 'run') {
			yield item;
			blocks.restart();
			chain.broken();
			continue;
		}
		const frame = item.frame;
		if (frame.type === 'F' || frame.type === 'D') {
			if (!chain.takes(frame)) continue; // its chain was broken by damage said above: up to the next full block
			try {
				const reading = blocks.decode(payloadOf(frame), frame.type === 'F', `frame at byte ${frame.start} (seq ${frame.seq})`);
				const said = chain.read(frame);
				if (said) yield { kind: 'damage', text: said };
				yield { kind: 'reading', reading, seq: frame.seq, offset: frame.start, full: frame.type === 'F' };
			} catch (error) {
				if (!(error instanceof RecordingError)) throw error;
				yield { kind: 'damage', text: `${file}: ${error.message}: skipped to the next full block` };
				chain.broken();
			}
		}
	}
	const said = chain.end();
	if (said) yield { kind: 'damage', text: said };
}
