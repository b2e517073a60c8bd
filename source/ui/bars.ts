// The UI's own lines around a tab: the tab bar, the footer (or the filter prompt), and the help rows, all from the registry and the key table.
import { line, wrapText, type Line, type Segment } from '../format/lines.js';
import { ALL_FEATURES, entry } from '../features/index.js';
import type { Tab } from '../features/feature.js';
import { CGROUP_PROMPT_KEYS, helpRows, KEY_TABLE, PROMPT_KEYS, TIME_PROMPT_KEYS, type HelpRow } from './keys.js';
import { sortKey, type UiState } from './state.js';
import type { Cost } from '../model/reading.js';
import { typed } from '../options.js';

/**
 * The tab bar for a screen `width` wide: every tab stays; on a narrow screen
 * the gaps go first, then the other tabs' titles give way to their short
 * names (words still), then the shown tab's, then the sort order; at the
 * last the other tabs show their numbers only.
 */
export function tabsLine(state: UiState, width = Infinity): Line {
	type Name = (tab: Tab<unknown, unknown>) => string;
	const title: Name = (t) => t.title;
	const short: Name = (t) => t.short;
	const none: Name = () => '';
	const variant = (gap: string, current: Name, others: Name, sort: boolean): Segment[] => {
		const segments: Segment[] = [];
		ALL_FEATURES.forEach((f, i) => {
			const shown = f.key === state.tab;
			const name = (shown ? current : others)(f.tab);
			segments.push({ text: name ? ` ${i + 1} ${name} ` : ` ${i + 1} `, inverse: shown, bold: shown });
			segments.push({ text: gap });
		});
		if (sort) segments.push({ text: ` sort: ${sortKey(state)}`, dim: true });
		return segments;
	};
	const variants = [
		variant(' ', title, title, true),
		variant('', title, title, true),
		variant(' ', title, short, true),
		variant('', title, short, true),
		variant('', short, short, true),
		variant('', title, short, false),
		variant('', short, short, false),
		variant('', short, none, true),
		variant('', short, none, false),
	];
	return variants.find((l) => l.reduce((n, seg) => n + seg.text.length, 0) <= width) ?? variants.at(-1)!;
}

const textWidth = (texts: readonly string[], gap: number) => texts.reduce((n, t) => n + t.length, 0) + gap * Math.max(0, texts.length - 1);

/**
 * The footer for a screen `width` wide: the key hints, whole hints only, the
 * least needed (KeyBinding.drop) left out first; or the filter prompt, whose
 * problem, when the line has no room for it, goes above it in lines of its own.
 */
export function footerLines(state: UiState, width = Infinity): Line[] {
	if (state.prompt) {
		const kind = state.prompt.kind;
		const what = kind === 'time' ? 'jump to' : `filter by ${{ pid: 'PID', port: 'port', cgroup: 'cgroup or container' }[kind]}`;
		const problem = state.prompt.error ?? state.prompt.notice;
		const keys = kind === 'time' ? TIME_PROMPT_KEYS : kind === 'cgroup' ? CGROUP_PROMPT_KEYS : PROMPT_KEYS;
		const entered = { text: `${state.prompt.text}_` };
		// A problem takes the place of the key hints, as does a narrow screen.
		const long = `${what} (${keys}): `;
		const prompt: Segment[] = [{ text: problem || long.length + entered.text.length > width ? `${what}: ` : long, bold: true }, entered];
		if (!problem) return [prompt];
		const beside = [...prompt, { text: `  ${problem}`, color: 'red' as const }];
		return textWidth(beside.map((s) => s.text), 0) <= width ? [beside] : [...wrapText(problem, width).map((text) => line(text, { color: 'red' })), prompt];
	}
	const current = { tab: ALL_FEATURES.find((f) => f.key === state.tab)!.tab, state: entry(state.tabs, state.tab), replay: state.replay !== undefined && !state.replay.history };
	const hints: { text: string; drop?: number }[] = KEY_TABLE.map((b) => ({ text: b.footer(current), drop: b.drop })).filter((h) => h.text !== '');
	const shown = state.drill ? [{ text: 'Esc back' }, { text: 'Up/Down select' }, ...hints.slice(0, 2)] : hints;
	const order = shown.filter((h) => h.drop !== undefined).sort((a, b) => a.drop! - b.drop!);
	let kept = shown;
	for (const leave of order) {
		if (textWidth(kept.map((h) => h.text), 2) <= width) break;
		kept = kept.filter((h) => h !== leave);
	}
	return [line(kept.map((h) => h.text).join('  '), { dim: true })];
}

const percent = (cpus: number) => `${(cpus * 100).toFixed(1)}%`;

/** What nettop cost in the interval shown, in percent of one CPU. */
export function costText(cost: Cost): string {
	const bpf = cost.bpf === undefined ? 'not timed (sysctl kernel.bpf_stats_enabled=1 times them)' : `${percent(cost.bpf)} of a CPU`;
	return `nettop itself: ${percent(cost.cpu)} of a CPU; its BPF programs in the kernel: ${bpf}.`;
}

/** The help's rows for the lines above the tabs: the header's state, then each figure of the summary. */
export function headerRows(): HelpRow[] {
	const modes = ALL_FEATURES.flatMap((f) => f.flags.filter((flag) => flag.header).map((flag) => ({ key: `${flag.shortFlag ? `-${flag.shortFlag}` : `--${typed(flag.name)}`} ${flag.arg ?? ''}`.trim(), action: flag.usage })));
	return [
		{ key: 'every 1s', action: 'the time of the last reading, and the interval (-i)' },
		{ key: 'PAUSED', action: 'the screen is held (space); counting goes on' },
		{ key: 'filter:', action: 'the filters in force (p, P, C, l, or their flags); Esc clears them' },
		...modes,
		{ key: 'LOST', action: 'updates the kernel could not record in the interval (a full map or ring), by feature' },
		{ key: 'B/s tx rx', action: 'bytes a second, sent (tx) and received (rx); K, M, G are 1024, 1024^2, 1024^3' },
		...ALL_FEATURES.map((f) => ({ key: f.figure.label, action: f.figure.help })),
	];
}

/**
 * The help as plain lines: no box, so it needs no line-drawing characters
 * (LANG=C) and a narrow screen loses no row; an action too long for the line
 * wraps under itself. What does not fit in `height` says how much is left.
 */
export function helpLines(width: number, height: number, cost?: Cost, page = 0): Line[] {
	const [keyRows, topRows] = [helpRows(), headerRows()];
	const keyWidth = Math.min(Math.max(...[...keyRows, ...topRows].map((r) => r.key.length)), Math.floor(width / 4));
	const actionWidth = Math.max(10, width - keyWidth - 2);
	const row = (r: HelpRow): Line[] => {
		const keys = wrapText(r.key, keyWidth);
		const actions = wrapText(r.action, actionWidth);
		return Array.from({ length: Math.max(keys.length, actions.length) }, (_, i) => line(`${(keys[i] ?? '').padEnd(keyWidth)}  ${actions[i] ?? ''}`));
	};
	// Blocks a page keeps whole when it can: a row with its wrapped lines, a table's head with its first row.
	const table = (head: string, what: string, rows: readonly HelpRow[]): Line[][] => rows.map((r, i) => [...(i === 0 ? [line(`${head.padEnd(keyWidth)}  ${what}`, { bold: true })] : []), ...row(r)]);
	const blocks = [...table('KEY', 'ACTION', keyRows), [line(`In a filter prompt: ${PROMPT_KEYS}.`, { dim: true })], ...table('HEADER', 'WHAT IT SAYS', topRows)];
	if (cost) blocks.push(wrapText(costText(cost), width).map((text) => line(text, { dim: true })));
	const lines = blocks.flat();
	if (lines.length <= height || height < 2) return lines.slice(0, Math.max(0, height));
	// Pages of at most height - 1 lines, the last line saying which page this is.
	const size = height - 1;
	const pages: Line[][] = [[]];
	for (const block of blocks) {
		for (let from = 0; from < block.length; from += size) {
			const part = block.slice(from, from + size);
			if (pages.at(-1)!.length + part.length > size) pages.push([]);
			pages.at(-1)!.push(...part);
		}
	}
	const at = page % pages.length;
	return [...pages[at]!, line(`help page ${at + 1} of ${pages.length} (Down: ${at + 1 < pages.length ? 'more' : 'the first'})`, { dim: true })];
}
