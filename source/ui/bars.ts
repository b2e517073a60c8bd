// The UI's own lines around a tab: the tab bar, the footer (or the filter prompt), and the help rows, all from the registry and the key table.
import { line, type Line, type Segment } from '../format/lines.js';
import { ALL_FEATURES, entry } from '../features/index.js';
import { CGROUP_PROMPT_KEYS, KEY_TABLE, PROMPT_KEYS } from './keys.js';
import { sortKey, type UiState } from './state.js';
import type { Cost } from '../model/reading.js';

/**
 * The tab bar for a screen `width` wide: every tab stays; on a narrow screen
 * the gaps go first, then the other tabs' names shorten to their first
 * letters (4, then 3, then 3 without the sort order), then to their
 * numbers, then the sort order goes.
 */
export function tabsLine(state: UiState, width = Infinity): Line {
	const variant = (gap: string, others: number, sort: boolean): Segment[] => {
		const segments: Segment[] = [];
		ALL_FEATURES.forEach((f, i) => {
			const current = f.key === state.tab;
			const title = current || others >= f.tab.title.length ? f.tab.title : f.tab.title.slice(0, others);
			segments.push({ text: title ? ` ${i + 1} ${title} ` : ` ${i + 1} `, inverse: current, bold: current });
			segments.push({ text: gap });
		});
		if (sort) segments.push({ text: ` sort: ${sortKey(state)}`, dim: true });
		return segments;
	};
	const variants = [variant(' ', Infinity, true), variant('', Infinity, true), variant('', 4, true), variant('', 3, true), variant('', 3, false), variant('', 0, true), variant('', 0, false)];
	return variants.find((l) => l.reduce((n, seg) => n + seg.text.length, 0) <= width) ?? variants.at(-1)!;
}

export function footerLine(state: UiState): Line {
	if (state.prompt) {
		const what = { pid: 'PID', port: 'port', cgroup: 'cgroup or container' }[state.prompt.kind];
		// A problem takes the place of the key hints, so an 80-column line shows it whole.
		const problem = state.prompt.error ?? state.prompt.notice;
		const keys = state.prompt.kind === 'cgroup' ? CGROUP_PROMPT_KEYS : PROMPT_KEYS;
		const segments: Segment[] = [{ text: problem ? `filter by ${what}: ` : `filter by ${what} (${keys}): `, bold: true }, { text: `${state.prompt.text}_` }];
		if (problem) segments.push({ text: `  ${problem}`, color: 'red' });
		return segments;
	}
	const current = { tab: ALL_FEATURES.find((f) => f.key === state.tab)!.tab, state: entry(state.tabs, state.tab) };
	const keys = KEY_TABLE.map((b) => b.footer(current)).filter((text) => text !== '');
	return line((state.drill ? ['Esc back', 'Up/Down select', ...keys.slice(0, 2)] : keys).join('  '), { dim: true });
}

/** The help rows, one per entry of the key table. */
export function helpRows(): { key: string; action: string }[] {
	return KEY_TABLE.map((b) => ({ key: b.label, action: b.help }));
}

const percent = (cpus: number) => `${(cpus * 100).toFixed(1)}%`;

/** What nettop cost in the interval shown, in percent of one CPU. */
export function costText(cost: Cost): string {
	const bpf = cost.bpf === undefined ? 'not timed (sysctl kernel.bpf_stats_enabled=1 times them)' : `${percent(cost.bpf)} of a CPU`;
	return `nettop itself: ${percent(cost.cpu)} of a CPU; its BPF programs in the kernel: ${bpf}.`;
}

/** `text` in lines of at most `width`, broken between words (a word longer than a line is cut). */
function wrap(text: string, width: number): string[] {
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

/**
 * The help as plain lines: no box, so it needs no line-drawing characters
 * (LANG=C) and a narrow screen loses no row; an action too long for the line
 * wraps under itself. What does not fit in `height` says how much is left.
 */
export function helpLines(width: number, height: number, cost?: Cost, page = 0): Line[] {
	const rows = helpRows();
	const keyWidth = Math.min(Math.max(...rows.map((r) => r.key.length)), Math.floor(width / 3));
	const actionWidth = Math.max(10, width - keyWidth - 2);
	const lines: Line[] = [line(`${'KEY'.padEnd(keyWidth)}  ACTION`, { bold: true })];
	for (const r of rows) {
		const keys = wrap(r.key, keyWidth);
		const actions = wrap(r.action, actionWidth);
		for (let i = 0; i < Math.max(keys.length, actions.length); i++) lines.push(line(`${(keys[i] ?? '').padEnd(keyWidth)}  ${actions[i] ?? ''}`));
	}
	lines.push(line(`In a filter prompt: ${PROMPT_KEYS}.`, { dim: true }));
	if (cost) for (const text of wrap(costText(cost), width)) lines.push(line(text, { dim: true }));
	if (lines.length <= height || height < 2) return lines.slice(0, Math.max(0, height));
	// Pages of height - 1 lines, the last line saying which page this is.
	const size = height - 1;
	const pages = Math.ceil(lines.length / size);
	const at = page % pages;
	return [...lines.slice(at * size, (at + 1) * size), line(`help page ${at + 1} of ${pages} (Down: ${at + 1 < pages ? 'more' : 'the first'})`, { dim: true })];
}
