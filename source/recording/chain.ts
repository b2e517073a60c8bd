// Which delta blocks a replay can decode after damage (issue 31): none until the next full block, and what to say of those left out.
import type { Frame } from './frame.js';

const clock = (wall: number) => new Date(wall).toISOString();

/** What is said of `n` delta blocks left out because damage broke their chain; with `frame`, the replay goes on there. */
function unchainedText(file: string, n: number, frame: Frame | undefined): string {
	const what = `${n} interval${n === 1 ? '' : 's'} after the damage skipped (each needs the one before it)`;
	return frame ? `${file}: ${what}: replay goes on at seq ${frame.seq} (${clock(frame.wall)})` : `${file}: the ${what}: no full block after them, the replay ends there`;
}

/** Follows which delta blocks a replay can decode: none after damage until the next full block. */
export class Chain {
	/** Delta blocks left out since damage broke their chain. */
	private unchained = 0;
	private needFull = true;

	constructor(private readonly file: string) {}

	/** Damage, or a new run: the next delta needs a full block first. */
	broken(): void {
		this.needFull = true;
	}

	/** Whether a block can be read; a delta after damage cannot. */
	takes(frame: Frame): boolean {
		if (frame.type === 'D' && this.needFull) {
			this.unchained++;
			return false;
		}
		return true;
	}

	/** A block was read: what to say of the deltas left out before it, if any. */
	read(frame: Frame): string | undefined {
		this.needFull = false;
		const n = this.unchained;
		this.unchained = 0;
		return n > 0 ? unchainedText(this.file, n, frame) : undefined;
	}

	/** At the end: what to say of deltas left out with no full block after them. */
	end(): string | undefined {
		return this.unchained > 0 ? unchainedText(this.file, this.unchained, undefined) : undefined;
	}
}
