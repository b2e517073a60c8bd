// Opens every collector nettop has; one that cannot run is kept as the reason why, the others go on.
import { releaseKernelBtf } from '../../native/btf.js';
import { explain } from '../errors.js';
import { NicCollector, type NicSnapshot } from './nic.js';
import { RetransCollector, type RetransSnapshot } from './retrans.js';
import { isCurrent } from './frames.js';
import { retainRtt, RttCollector, type RttSnapshot } from './rtt.js';
import { retainTcp, TcpCollector, type TcpSnapshot } from './tcp.js';

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
	readonly tcp: Maybe<TcpSnapshot>;
	readonly rtt: Maybe<RttSnapshot>;
	readonly retrans: Maybe<RetransSnapshot>;
}

/** False once a later read reused the arrays of this sample's flow snapshots (they are pooled: see collectors/frames.ts). */
export function isFresh(raw: RawSample): boolean {
	return (isUnavailable(raw.tcp) || isCurrent(raw.tcp)) && (isUnavailable(raw.rtt) || isCurrent(raw.rtt));
}

/** A copy of a sample that later reads leave as it is (to keep one longer than the last two reads). */
export function retainSample(raw: RawSample): RawSample {
	return { ...raw, tcp: isUnavailable(raw.tcp) ? raw.tcp : retainTcp(raw.tcp), rtt: isUnavailable(raw.rtt) ? raw.rtt : retainRtt(raw.rtt) };
}

export const KEYS = ['nic', 'tcp', 'rtt', 'retrans'] as const;
export type Key = (typeof KEYS)[number];

interface Collector<T> {
	read(now: number): T;
	close(): void;
}

function attempt<T>(open: () => Collector<T>): Maybe<Collector<T>> {
	try {
		return open();
	} catch (error) {
		return { unavailable: explain(firstLine(error)) };
	}
}

function firstLine(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

export interface SourceOptions {
	readonly ms?: boolean;
}

export class Sources {
	private readonly collectors: { [K in Key]: Maybe<Collector<Exclude<RawSample[K], Unavailable>>> };

	constructor(options: SourceOptions = {}) {
		const nic = attempt(() => new NicCollector());
		const tcp = attempt(() => new TcpCollector());
		// With tcp.bpf.o loaded, RTT and retransmits share its socket-owner map.
		const owners = isUnavailable(tcp) ? undefined : (tcp as TcpCollector).owners;
		const rtt = attempt(() => new RttCollector({ ms: options.ms, owners }));
		const retrans = attempt(() => new RetransCollector({ owners }));
		this.collectors = { nic, tcp, rtt, retrans };
		// The kernel's BTF served to choose programs; tens of MB not to keep.
		releaseKernelBtf();
	}

	/** The reasons of the collectors that could not start, by JSON key. */
	unavailable(): Partial<Record<Key, string>> {
		const out: Partial<Record<Key, string>> = {};
		for (const key of KEYS) {
			const c = this.collectors[key];
			if (isUnavailable(c)) out[key] = c.unavailable;
		}
		return out;
	}

	/** True when no collector could start. */
	get empty(): boolean {
		return KEYS.every((key) => isUnavailable(this.collectors[key]));
	}

	read(mono: number, wall: number): RawSample {
		const read = <K extends Key>(key: K) => {
			const c = this.collectors[key];
			return isUnavailable(c) ? c : c.read(mono);
		};
		return { mono, wall, nic: read('nic'), tcp: read('tcp'), rtt: read('rtt'), retrans: read('retrans') };
	}

	/** Closes RTT and retransmits before tcp, whose owner map they share. */
	close(): void {
		for (const key of [...KEYS].reverse()) {
			const c = this.collectors[key];
			if (!isUnavailable(c)) c.close();
		}
	}
}
