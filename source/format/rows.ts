// A tab's list from an array of rows (features/feature.ts TabList): what each row is, across intervals, and its name.
import { clock } from './time.js';

/** What the selection needs of a row. */
export interface RowKinds<T> {
	/** Its identity from one interval to the next, compared with ===. */
	id(row: T): unknown;
	/** It in a few words: "process 1234 curl". */
	name(row: T): string;
	/** Its process, when it has one (what Enter opens). */
	owner?(row: T): { readonly pid: number; readonly comm: string } | undefined;
}

/** A list over `rows` in the order shown; `page` says how many one page shows. */
export function listOf<T>(rows: readonly T[], page: () => number, kinds: RowKinds<T>) {
	return {
		length: rows.length,
		owner: (i: number) => (rows[i] === undefined ? undefined : kinds.owner?.(rows[i]!)),
		id: (i: number) => (rows[i] === undefined ? undefined : kinds.id(rows[i]!)),
		indexOf(id: unknown): number {
			for (let i = 0; i < rows.length; i++) if (kinds.id(rows[i]!) === id) return i;
			return -1;
		},
		name: (i: number) => (rows[i] === undefined ? '' : kinds.name(rows[i]!)),
		page,
	};
}

/** An event of a rolling list: itself is its identity (the list keeps the same object while it holds it); its owner when it has one. */
export function eventKinds<T extends { readonly time: number; readonly pid: number; readonly comm: string }>(what: string): RowKinds<T> {
	return { id: (e) => e, name: (e) => `the ${what} at ${clock(e.time)}${e.pid ? ` (${e.pid} ${e.comm})` : ''}`, owner: (e) => (e.pid ? e : undefined) };
}
