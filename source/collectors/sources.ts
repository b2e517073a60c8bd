// Opens every collector nettop has; one that cannot run is kept as the reason why, the others go on.
import { NicCollector, type NicSnapshot } from './nic.js';

/** A collector that could not start, and why (one line). */
export interface Unavailable {
	readonly unavailable: string;
}

export type Maybe<T> = T | Unavailable;

export function isUnavailable<T>(x: Maybe<T>): x is Unavailable {
	return typeof x === 'object' && x !== null && 'unavailable' in x;
}

/** Everything read at one instant. `mono` is a monotonic clock (ms), `wall` the epoch time (ms). */
export interface RawSample {
	readonly mono: number;
	readonly wall: number;
	readonly nic: Maybe<NicSnapshot>;
}

interface Closable {
	close(): void;
}

function attempt<T extends Closable>(open: () => T): Maybe<T> {
	try {
		return open();
	} catch (error) {
		return { unavailable: error instanceof Error ? error.message : String(error) };
	}
}

export class Sources {
	private readonly nic: Maybe<NicCollector>;

	constructor() {
		this.nic = attempt(() => new NicCollector());
	}

	/** The reasons of the collectors that could not start, by JSON key. */
	unavailable(): Record<string, string> {
		const out: Record<string, string> = {};
		if (isUnavailable(this.nic)) out.nic = this.nic.unavailable;
		return out;
	}

	/** True when no collector could start. */
	get empty(): boolean {
		return isUnavailable(this.nic);
	}

	read(mono: number, wall: number): RawSample {
		return { mono, wall, nic: isUnavailable(this.nic) ? this.nic : this.nic.read(mono) };
	}

	close(): void {
		if (!isUnavailable(this.nic)) this.nic.close();
	}
}
