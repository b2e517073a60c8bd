// The UI's own lines around a tab: the tab bar, the footer (or the filter prompt), and the help rows, all from the registry and the key table.
import { line, type Line, type Segment } from '../format/lines.js';
import { ALL_FEATURES, entry } from '../features/index.js';
import { KEY_TABLE, PROMPT_KEYS } from './keys.js';
import { sortKey, type UiState } from './state.js';

export function tabsLine(state: UiState): Line {
	const segments: Segment[] = [];
	ALL_FEATURES.forEach((f, i) => {
		segments.push({ text: ` ${i + 1} ${f.tab.title} `, inverse: f.key === state.tab, bold: f.key === state.tab });
		segments.push({ text: ' ' });
	});
	segments.push({ text: ` sort: ${sortKey(state)}`, dim: true });
	return segments;
}

export function footerLine(state: UiState): Line {
	if (state.prompt) {
		const what = state.prompt.kind === 'pid' ? 'PID' : 'port';
		const segments: Segment[] = [{ text: `filter by ${what} (${PROMPT_KEYS}): `, bold: true }, { text: `${state.prompt.text}_` }];
		if (state.prompt.error) segments.push({ text: `  ${state.prompt.error}`, color: 'red' });
		return segments;
	}
	const current = { tab: ALL_FEATURES.find((f) => f.key === state.tab)!.tab, state: entry(state.tabs, state.tab) };
	const keys = KEY_TABLE.map((b) => b.footer(current)).filter((text) => text !== '');
	return line(keys.join('  '), { dim: true });
}

/** The help rows, one per entry of the key table: the Help component lays them out. */
export function helpRows(): { key: string; action: string }[] {
	return KEY_TABLE.map((b) => ({ key: b.label, action: b.help }));
}
