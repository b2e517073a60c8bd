// Building blocks of the screen: styled segments, fixed-width columns, truncation, sparklines.
import type { Filter } from '../model/filter.js';

export interface Segment {
	readonly text: string;
	readonly bold?: boolean;
	readonly inverse?: boolean;
	readonly dim?: boolean;
	readonly color?: 'red' | 'yellow' | 'green' | 'cyan';
}

/** One screen line: segments side by side, never wider than the screen. */
export type Line = readonly Segment[];

export const line = (text: string, style: Omit<Segment, 'text'> = {}): Line => [{ text, ...style }];

/** A line's text without its styles or trailing blanks: the plain table's. */
export function plainText(l: Line): string {
	return l.map((s) => s.text).join('').trimEnd();
}

/** `text` in lines of at most `width`, broken between words (a word longer than a line is cut). */
export function wrapText(text: string, width: number): string[] {
	const out: string[] = [];
	let current = '';
	for (const word of text.split(' ')) {
		const next = current ? `${current} ${word}` : word;
		if (next.length <= width || !current) current = next.slice(0, Math.max(1, width));
		else {
			out.push(current);
			current = word.slice(0, Math.max(1, width));
		}
	}
	return [...out, current];
}

/** A note in lines of at most `width`, broken between words: read whole on a narrow screen, not cut at its edge. */
export const wrapped = (text: string, width: number, style: Omit<Segment, 'text'> = {}): Line[] => wrapText(text, width).map((t) => line(t, style));

/** Cuts a line's segments so their text fits in `width` columns. */
export function clip(l: Line, width: number): Line {
	const out: Segment[] = [];
	let left = width;
	for (const s of l) {
		if (left <= 0) break;
		out.push(s.text.length <= left ? s : { ...s, text: s.text.slice(0, left) });
		left -= s.text.length;
	}
	return out;
}

/** The widest a count usually is (a list's rows, a table's hidden rows): what a line's form is measured with. */
const WIDEST_COUNT = 99999;

/**
 * The first of `forms` (fullest first) that fits `width` when its figures are
 * at their widest (`widest`), else the last: the form hangs on the width
 * alone, so a line does not change its words as its figures change.
 */
export function byWidth<A extends unknown[]>(width: number, widest: A, forms: readonly ((...a: A) => string)[]): (...a: A) => string {
	return forms.find((f) => f(...widest).length <= width) ?? forms.at(-1)!;
}

/**
 * The first rows that fit in `height` lines; when some do not, the last line
 * says how many are hidden, as top does, and `hint` what shows them (the
 * first of its forms, fullest first, that fits `width`; none when none does).
 */
export function truncate(rows: readonly Line[], height: number, what = 'rows', hint: string | readonly string[] = '', width = Infinity): Line[] {
	if (rows.length <= height) return [...rows];
	if (height <= 0) return [];
	const shown = rows.slice(0, height - 1);
	const hints = (typeof hint === 'string' ? [hint] : hint).filter(Boolean);
	const more = byWidth(width, [WIDEST_COUNT], [...hints.map((h) => (n: number) => `... ${n} more ${what} (${h})`), (n: number) => `... ${n} more ${what}`]);
	return [...shown, line(more(rows.length - shown.length), { dim: true })];
}

/** The filter keys that would narrow a list, those not in use: "p, P narrow", "p narrows"; "" when both filters are set. */
export function narrowing(filter: Pick<Filter, 'pids' | 'ports'> | undefined): string {
	const keys = [filter?.pids.size ? '' : 'p', filter?.ports.size ? '' : 'P'].filter(Boolean);
	return keys.length === 0 ? '' : `${keys.join(', ')} narrow${keys.length === 1 ? 's' : ''}`;
}

/**
 * The hint of a list the keys do not move, above the one they do, fullest
 * first (for truncate): what narrows it (when the filters do), and which list
 * PgDn pages instead; `below` undefined when that list has no room for a row
 * (then PgDn shows nothing, and is not promised).
 */
export function aboveHint(filter: Pick<Filter, 'pids' | 'ports'> | undefined, below: string | undefined, narrows = true): string[] {
	const narrow = narrows ? narrowing(filter) : '';
	const join = (...parts: string[]) => parts.filter(Boolean).join('; ');
	if (below === undefined) return [narrow];
	return [join(narrow, `PgDn pages the ${below} below`), join(narrow, 'PgDn pages below'), 'PgDn pages below'];
}

/** The first `k` of the indexes 0..n-1 in the order `by`: a partial sort for a screenful, a whole sort for more (scrolled far down). */
export function firstIndexes(n: number, k: number, by: (a: number, b: number) => number): number[] {
	if (k <= 256) return topIndexes(n, k, by);
	return Array.from({ length: n }, (_, i) => i)
		.sort((a, b) => by(a, b) || a - b)
		.slice(0, k);
}

/** The line shown selected: inverse. */
export const selected = (l: Line): Line => l.map((s) => ({ ...s, inverse: true }));

/** The selected row of a list, or where it was when it left the list (then nothing shows selected). */
export interface Cursor {
	readonly at: number;
	/** Set when the selected row is no longer in the list: what it was ("process 1234 curl"). */
	readonly gone?: string;
}

/** What a list says of itself and of the keys that move in it. */
export interface ListKeys {
	/** What its rows are: "events". */
	readonly what: string;
	/** The selected row; undefined: none yet. */
	readonly cursor?: Cursor;
	/** The filter in force: the hint suggests the filters not set. */
	readonly filter?: Pick<Filter, 'pids' | 'ports'>;
	/** What Enter opens, when its rows have a process: "its process". */
	readonly enter?: string;
	/** The screen's width: the lines about the list take the fullest form that fits it. */
	readonly width?: number;
}

/** Rows of a list of `n` that one page of `height` lines shows: all when they fit, else one line goes to saying which show. */
export function pageRows(n: number, height: number): number {
	return n <= height ? n : Math.max(0, height - 1);
}

/** Rows a selectable list below tables keeps when the screen is short: the tables above give up theirs first. */
export const LIST_KEEPS = 3;

/** Lines a list of `n` below tables keeps: LIST_KEEPS rows and the line saying which show, all its rows when fewer, the line saying it is empty. */
export const keptLines = (n: number): number => (n === 0 ? 1 : n <= LIST_KEEPS ? n : LIST_KEEPS + 1);

/** Whether a list of `n` in `height` lines shows a row for a page key to move to (an empty one: whether it shows at all). */
export const showsRows = (n: number, height: number): boolean => (n === 0 ? height > 0 : pageRows(n, height) > 0);

/**
 * Rows 0..n-1 (`rowAt` formats the i-th in the order shown) in `height`
 * lines, a page at a time: the page that holds the cursor's row, shown
 * selected. Pages are pageRows() long, so a page key that moves the cursor by
 * that many shows the next rows, none skipped, none twice. When not all fit,
 * the last line says which rows show and what the keys do, as less does; with
 * no cursor, the first page, how many more and what shows them. A row that
 * left the list is said in the last lines, under a full page: the one it was
 * on, moved up as far as the list's end needs.
 */
export function scrolled(n: number, height: number, rowAt: (i: number) => Line, empty: Line, keys: ListKeys): Line[] {
	const { what, cursor, width = Infinity } = keys;
	const gone = cursor?.gone ? wrapped(`${cursor.gone} has left the list; Up/Down select another`, width, { color: 'yellow' }) : [];
	if (n === 0) return [empty, ...(height > gone.length ? gone : [])].slice(0, Math.max(0, height));
	if (height <= 0) return [];
	const fit = gone.length > 0 && n + gone.length > height ? height - gone.length : pageRows(n, height);
	if (fit <= 0) return [line(`${n} ${what}`, { dim: true })];
	const at = cursor === undefined ? 0 : Math.max(0, Math.min(cursor.at, n - 1));
	const start = gone.length > 0 ? Math.max(0, Math.min(at - (at % fit), n - fit)) : at - (at % fit);
	const chosen = cursor && !cursor.gone ? cursor.at : -1;
	const rows: Line[] = [];
	for (let i = start; i < Math.min(n, start + fit); i++) rows.push(i === chosen ? selected(rowAt(i)) : rowAt(i));
	if (gone.length > 0) return [...rows, ...gone];
	if (n <= height) return rows;
	if (cursor === undefined) {
		const narrow = narrowing(keys.filter);
		const more = byWidth(width, [WIDEST_COUNT], [(k: number) => `... ${k} more ${what} (${['PgDn pages them', narrow].filter(Boolean).join('; ')})`, (k: number) => `... ${k} more ${what} (PgDn pages them)`, (k: number) => `... ${k} more ${what}`]);
		return [...rows, line(more(n - fit), { dim: true })];
	}
	const enter = keys.enter ? `; Enter: ${keys.enter}` : '';
	const range = byWidth(width, [WIDEST_COUNT - 1, WIDEST_COUNT, WIDEST_COUNT], [(a: number, b: number, k: number) => `${what} ${a}-${b} of ${k} (Up/Down, PgUp/PgDn${enter})`, (a: number, b: number, k: number) => `${what} ${a}-${b} of ${k} (PgUp/PgDn${keys.enter ? ', Enter' : ''})`, (a: number, b: number, k: number) => `${what} ${a}-${b} of ${k}`]);
	return [...rows, line(range(start + 1, start + rows.length, n), { dim: true })];
}

/** The first `k` of the indexes 0..n-1 in the order `by`, ties by index (as a stable sort gives them), without sorting the rest. */
export function topIndexes(n: number, k: number, by: (a: number, b: number) => number): number[] {
	const cmp = (a: number, b: number) => by(a, b) || a - b;
	if (n <= k) return Array.from({ length: n }, (_, i) => i).sort(cmp);
	const best: number[] = [];
	if (k <= 0) return best;
	for (let i = 0; i < n; i++) {
		if (best.length === k && cmp(i, best[k - 1]!) >= 0) continue;
		let at = best.length;
		while (at > 0 && cmp(i, best[at - 1]!) < 0) at--;
		best.splice(at, 0, i);
		if (best.length > k) best.pop();
	}
	return best;
}

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII = ['_', '.', '-', '~', '=', '+', '*', '#'];

/** Whether the terminal's locale can show block characters. */
export function unicodeLocale(env: NodeJS.ProcessEnv = process.env): boolean {
	const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
	return /utf-?8/i.test(locale);
}

/** The last `width` values as a sparkline on a scale from 0 to `max` (by default their own maximum), right-aligned, padded. */
export function sparkline(values: readonly number[], width: number, unicode: boolean, max = Math.max(...values.slice(-width), 0)): string {
	if (width <= 0) return '';
	const glyphs = unicode ? BLOCKS : ASCII;
	const recent = values.slice(-width);
	const chars = recent.map((v) => (max <= 0 || v <= 0 ? ' ' : glyphs[Math.min(glyphs.length - 1, Math.floor((v / max) * glyphs.length))]!));
	return ' '.repeat(width - chars.length) + chars.join('');
}

/** "addr:port", IPv6 in brackets. */
export function endpoint(addr: string, port: number): string {
	return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** Shown instead of a tab's rows when its collector could not start. */
export function unavailableLines(what: string, reason: string): Line[] {
	return [line(`${what} is unavailable on this system:`, { bold: true }), line(reason, { color: 'yellow' })];
}

/** What a sampled event list left out this interval, when anything: the sampler's share dim, a full ring's in yellow; that the counts have them goes where the width has room for it at the widest figures. */
export function leftOutLines(sampled: number, lost: number, width = Infinity): Line[] {
	if (sampled + lost === 0) return [];
	const text = (s: number, l: number) => `${s + l} events not listed (${[s ? `${s} sampled out` : '', l ? `${l} ring full` : ''].filter(Boolean).join(', ')})`;
	const form = byWidth(width, [WIDEST_COUNT, WIDEST_COUNT], [(s: number, l: number) => `${text(s, l)}; counted above`, text]);
	return [line(form(sampled, lost), { color: lost ? 'yellow' : undefined, dim: !lost })];
}
