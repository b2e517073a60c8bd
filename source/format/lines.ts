// Building blocks of the screen: styled segments, fixed-width columns, truncation, sparklines.

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

/**
 * The first rows that fit in `height` lines; when some do not, the last line
 * says how many are hidden, as top does.
 */
export function truncate(rows: readonly Line[], height: number, what = 'rows'): Line[] {
	if (rows.length <= height) return [...rows];
	if (height <= 0) return [];
	const shown = rows.slice(0, height - 1);
	return [...shown, line(`... ${rows.length - shown.length} more ${what} (narrow with p, P)`, { dim: true })];
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

/**
 * Rows 0..n-1 (`rowAt` formats the i-th in the order shown) in `height`
 * lines, a page at a time: the page that holds row `cursor`, shown selected.
 * When not all fit, the last line says which rows show, as less does. With
 * no cursor, the first page and how many more, as visible() does.
 */
export function scrolled(n: number, height: number, cursor: number | undefined, rowAt: (i: number) => Line, empty: Line, what = 'rows'): Line[] {
	if (n === 0) return height > 0 ? [empty] : [];
	if (height <= 0) return [];
	const fit = n <= height ? n : height - 1;
	if (fit <= 0) return [line(`${n} ${what}`, { dim: true })];
	const at = cursor === undefined ? 0 : Math.max(0, Math.min(cursor, n - 1));
	const start = at - (at % fit);
	const rows: Line[] = [];
	for (let i = start; i < Math.min(n, start + fit); i++) rows.push(i === cursor ? selected(rowAt(i)) : rowAt(i));
	if (n <= height) return rows;
	const tail = cursor === undefined ? `... ${n - fit} more ${what} (narrow with p, P)` : `${what} ${start + 1}-${start + rows.length} of ${n} (Up/Down, PgUp/PgDn)`;
	return [...rows, line(tail, { dim: true })];
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

/** What a sampled event list left out this interval, when anything: the sampler's share dim, a full ring's in yellow; that the counts have them goes first on a narrow screen. */
export function leftOutLines(sampled: number, lost: number, width = Infinity): Line[] {
	if (sampled + lost === 0) return [];
	const why = [sampled ? `${sampled} sampled out` : '', lost ? `${lost} ring full` : ''].filter(Boolean).join(', ');
	const text = `${sampled + lost} events not listed (${why})`;
	const full = `${text}; counted above`;
	return [line(full.length <= width ? full : text, { color: lost ? 'yellow' : undefined, dim: !lost })];
}
