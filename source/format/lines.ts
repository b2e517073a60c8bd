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
export function truncate(rows: readonly Line[], height: number, what = 'rows', hint = 'narrow with p, P'): Line[] {
	if (rows.length <= height) return [...rows];
	if (height <= 0) return [];
	const shown = rows.slice(0, height - 1);
	return [...shown, line(`... ${rows.length - shown.length} more ${what} (${hint})`, { dim: true })];
}

/**
 * Like truncate(), but formats only the rows that will show: with tens of
 * thousands of items, formatting all of them would cost more than the rest of
 * a refresh.
 */
export function visible<T>(items: readonly T[], height: number, format: (item: T) => Line, empty: Line, what = 'rows', total = items.length): Line[] {
	if (total === 0) return height > 0 ? [empty] : [];
	if (total <= height) return items.map(format);
	if (height <= 0) return [];
	const shown = items.slice(0, height - 1).map(format);
	return [...shown, line(`... ${total - shown.length} more ${what} (narrow with p, P)`, { dim: true })];
}

/** visible() of `items` in the order `by`, sorting only the rows that fit (tens of thousands of flows, a screen of rows). */
export function visibleTop<T>(items: readonly T[], height: number, by: (a: T, b: T) => number, format: (item: T) => Line, empty: Line, what = 'rows'): Line[] {
	return visibleTopIndexes(items.length, height, (a, b) => by(items[a]!, items[b]!), (i) => format(items[i]!), empty, what);
}

/** visibleTop() of rows 0..n-1 known by index (rows kept in columns). */
export function visibleTopIndexes(n: number, height: number, by: (a: number, b: number) => number, format: (i: number) => Line, empty: Line, what = 'rows'): Line[] {
	const fit = n <= height ? n : Math.max(0, height - 1);
	return visible(topIndexes(n, fit, by), height, format, empty, what, n);
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
