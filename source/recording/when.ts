// A time in a recording as a user types it (--begin, --end): 14:03, 14:03:27, 2026-12-07 14:03, -5m before its end, +10m after its start.
import { UsageError } from '../model/filter.js';

export type When =
	/** `seconds`: typed with them (14:03:27), else the minute (14:03) holds the recording's start too. */
	| { readonly kind: 'clock'; readonly h: number; readonly m: number; readonly s: number; readonly seconds: boolean }
	| { readonly kind: 'date'; readonly date: string; readonly h: number; readonly m: number; readonly s: number }
	| { readonly kind: 'offset'; readonly from: 'start' | 'end'; readonly ms: number };

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000 };

/** Checks a time as typed; `flag` names it in the one-line error. */
export function parseWhen(text: string, flag: string): When {
	const t = text.trim();
	const bad = () => new UsageError(`${flag} wants a time in the recording: HH:MM[:SS], YYYY-MM-DD HH:MM[:SS], -5m before its end or +10m after its start; got "${text}"`);
	const offset = /^([+-])(\d+)([smh])$/.exec(t);
	if (offset) return { kind: 'offset', from: offset[1] === '+' ? 'start' : 'end', ms: Number(offset[2]) * UNIT_MS[offset[3]!]! };
	const m = /^(?:(\d{4}-\d\d-\d\d)[T ])?(\d{1,2}):(\d\d)(?::(\d\d))?$/.exec(t);
	if (!m) throw bad();
	const [h, min, s] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
	if (h > 23 || min > 59 || s > 59) throw bad();
	if (m[1] === undefined) return { kind: 'clock', h, m: min, s, seconds: m[4] !== undefined };
	if (Number.isNaN(new Date(`${m[1]}T00:00:00`).getTime())) throw bad();
	return { kind: 'date', date: m[1], h, m: min, s };
}

/**
 * The instant (ms since the epoch) a time names in a recording that runs from
 * `first` to `last`, in local time (the recording's zone on a replay, TZ's
 * when set): a clock time is the first such instant from the recording's
 * first second on (its first minute, for a time typed without seconds), the
 * next day's when that day's is earlier.
 */
export function resolveWhen(when: When, first: number, last: number): number {
	if (when.kind === 'offset') return when.from === 'start' ? first + when.ms : last - when.ms;
	if (when.kind === 'date') {
		const [y, mo, d] = when.date.split('-').map(Number) as [number, number, number];
		return new Date(y, mo - 1, d, when.h, when.m, when.s).getTime();
	}
	const start = new Date(Math.floor(first / 1000) * 1000);
	if (!when.seconds) start.setSeconds(0);
	const at = new Date(start.getFullYear(), start.getMonth(), start.getDate(), when.h, when.m, when.s);
	if (at.getTime() < start.getTime()) at.setDate(at.getDate() + 1);
	return at.getTime();
}

/** An instant as the local date and time, as --begin takes it: 2026-12-07 14:03:27. */
export function localTime(ms: number): string {
	const d = new Date(ms);
	const two = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
