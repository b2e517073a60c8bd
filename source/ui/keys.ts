// Maps a key press to a UI action: pure, so the whole key map is a table test.
import type { Key } from 'ink';
import type { Action } from './state.js';

export type KeyResult = Exclude<Action, { type: 'key' }> | { type: 'quit' } | undefined;

/** What `input`/`key` mean; while a filter prompt is open, keys edit it. */
export function keyToAction(input: string, key: Partial<Key>, prompting: boolean): KeyResult {
	if (key.ctrl && input === 'c') return { type: 'quit' };
	if (prompting) {
		if (key.escape) return { type: 'escape' };
		if (key.return) return { type: 'prompt-done' };
		if (key.backspace || key.delete) return { type: 'prompt-erase' };
		if (/^[0-9,]$/.test(input)) return { type: 'prompt-type', char: input };
		return undefined;
	}
	if (key.escape) return { type: 'escape' };
	if (key.tab) return { type: 'tab-step', by: key.shift ? -1 : 1 };
	switch (input) {
		case '1':
			return { type: 'tab', tab: 'nic' };
		case '2':
			return { type: 'tab', tab: 'tcp' };
		case '3':
			return { type: 'tab', tab: 'rtt' };
		case '4':
			return { type: 'tab', tab: 'retrans' };
		case 'p':
			return { type: 'prompt', kind: 'pid' };
		case 'P':
		case '/':
			return { type: 'prompt', kind: 'port' };
		case 's':
			return { type: 'sort' };
		case ' ':
			return { type: 'pause' };
		case '?':
		case 'h':
			return { type: 'help' };
		case 'c':
			return { type: 'connections' };
		case 'a':
			return { type: 'by-address' };
		case 'q':
			return { type: 'quit' };
		default:
			return undefined;
	}
}
