// Columns that use the width there is: text shrinks (addresses in their middle) before anything is dropped, and decoration goes before figures.
import { fit, padLeft } from './numbers.js';

export interface Column {
	/** Its width on an 80-column screen. */
	readonly width: number;
	/** Right-aligned (figures); a figure is never cut. */
	readonly right?: boolean;
	/** Text may shrink to this on a narrow screen... */
	readonly min?: number;
	/** ...and grow to this on a wide one. */
	readonly max?: number;
	/** Cut in the middle, keeping its end (an address keeps its port): "[fd00:88::a~2345]:5201". */
	readonly middle?: boolean;
	/** Decoration, left out when even the narrowest widths do not fit; the lowest goes first. */
	readonly drop?: number;
}

/** A column laid out: its width on this screen, 0 when left out. */
export interface Placed extends Column {
	readonly width: number;
}

const total = (widths: readonly number[]) => {
	const shown = widths.filter((w) => w > 0);
	return shown.reduce((a, b) => a + b, 0) + Math.max(0, shown.length - 1);
};

/** Widens the columns that may grow, one cell at a time to the one with the most room left, until the screen is filled. */
function grow(columns: readonly Column[], widths: number[], width: number, cap: (c: Column) => number): void {
	while (total(widths) < width) {
		let best = -1;
		for (let i = 0; i < columns.length; i++) {
			const room = widths[i]! > 0 ? cap(columns[i]!) - widths[i]! : 0;
			if (room > 0 && (best < 0 || room > cap(columns[best]!) - widths[best]!)) best = i;
		}
		if (best < 0) return;
		widths[best]!++;
	}
}

/**
 * The columns' widths for a screen `width` wide, one space between columns:
 * on a narrow screen text columns shrink towards their `min` (the widest first),
 * then decoration (`drop`) goes, lowest first; figures keep their width. On a
 * wide one text columns grow towards their `max`.
 */
export function layout(columns: readonly Column[], width: number): Placed[] {
	const widths = columns.map((c) => c.width);
	while (total(widths) > width) {
		let best = -1;
		for (let i = 0; i < columns.length; i++) {
			const slack = widths[i]! - (columns[i]!.min ?? widths[i]!);
			if (slack > 0 && (best < 0 || slack > widths[best]! - (columns[best]!.min ?? widths[best]!))) best = i;
		}
		if (best < 0) break;
		widths[best]!--;
	}
	const drops = columns.map((c, i) => ({ i, drop: c.drop })).filter((c) => c.drop !== undefined).sort((a, b) => a.drop! - b.drop!);
	for (const { i } of drops) {
		if (total(widths) <= width) break;
		widths[i] = 0;
	}
	// Room given back (a column dropped): first to the shrunk columns, up to their 80-column width, then up to their max.
	grow(columns, widths, width, (c) => c.width);
	grow(columns, widths, width, (c) => c.max ?? c.width);
	return columns.map((c, i) => ({ ...c, width: widths[i]! }));
}

/** `text` in `width` columns, cut in its middle with '~', keeping at least its last `keepEnd` characters. */
export function fitMiddle(text: string, width: number, keepEnd = 0): string {
	if (text.length <= width) return text + ' '.repeat(width - text.length);
	if (width <= 1) return text.slice(-width);
	// The end kept whole, the rest of the width shared between the text's start and the end's left.
	const kept = Math.min(width - 1, keepEnd);
	const tail = kept + Math.floor((width - 1 - kept) / 2);
	return `${text.slice(0, width - 1 - tail)}~${text.slice(text.length - tail)}`;
}

/** An endpoint's port (":5201", "]:5201" for IPv6), kept whole when the address is cut. */
const portEnd = (text: string) => /\]?:\d+$/.exec(text)?.[0].length ?? 0;

/** Cells laid out in placed columns one space apart: numbers right-aligned and whole, text cut with '~', columns of width 0 left out. */
export function cells(columns: readonly Placed[], values: readonly string[]): string {
	const out: string[] = [];
	columns.forEach((c, i) => {
		if (c.width <= 0) return;
		const v = values[i] ?? '';
		out.push(c.right ? padLeft(v, c.width) : c.middle ? fitMiddle(v, c.width, portEnd(v)) : fit(v, c.width));
	});
	return out.join(' ');
}

/** The container column (model/cgroup.ts): decoration, the first to go on a narrow screen; shown only when a row of the list runs in a container. */
export const CONTAINER_COLUMN: Column = { width: 12, min: 12, drop: 0 };

/** `columns` with the container column at `at` when `shown`. */
export function withContainer(columns: readonly Column[], shown: boolean, at: number): readonly Column[] {
	return shown ? [...columns.slice(0, at), CONTAINER_COLUMN, ...columns.slice(at)] : columns;
}

/** `values` with a row's container id ('-' when it runs in none) at `at` when the column is `shown`. */
export function withContainerCell(values: readonly string[], shown: boolean, at: number, container: string | null | undefined): readonly string[] {
	return shown ? [...values.slice(0, at), container ?? '-', ...values.slice(at)] : values;
}
