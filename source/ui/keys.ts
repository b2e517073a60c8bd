// The key table: every key the UI answers, with what the help, the footer and the README say of it.
import type { Key } from 'ink';
import { ALL_FEATURES, FEATURE_KEYS, type FeatureKey } from '../features/index.js';
import type { Tab } from '../features/feature.js';

/** One key press as Ink reports it. */
export interface KeyPress {
	readonly input: string;
	readonly key: Partial<Key>;
}

/** What a key press asks of the UI. */
export type KeyAction =
	| { type: 'tab'; tab: FeatureKey }
	| { type: 'tab-step'; by: 1 | -1 }
	| { type: 'prompt'; kind: PromptKind }
	| { type: 'prompt-type'; char: string }
	| { type: 'prompt-erase' }
	/** A key a prompt does not take (a letter in a PID): said, not swallowed. */
	| { type: 'prompt-reject'; char: string }
	| { type: 'prompt-done' }
	| { type: 'escape' }
	/** Up and Down and their kin: the selected row of the tab's list. */
	| { type: 'move'; to: Move }
	/** The selected row's process: its connections. */
	| { type: 'enter' }
	| { type: 'sort' }
	| { type: 'loopback' }
	| { type: 'pause' }
	/** A replay: the next or previous interval, the first. */
	| { type: 'step'; by: 1 | -1 }
	| { type: 'rewind' }
	/** The history while live, written to a file. */
	| { type: 'write' }
	| { type: 'help' }
	/** A key of the current tab's own (Tab.keys). */
	| { type: 'tab-key'; key: string }
	| { type: 'quit' };

export type Move = 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end';

/** What a filter prompt asks for: PIDs and ports are numbers, a cgroup any text. */
export type PromptKind = 'pid' | 'port' | 'cgroup' | 'time';

/** The tab shown and its state: what a binding's footer may depend on. */
export interface CurrentTab {
	readonly tab: Tab<unknown, unknown>;
	readonly state: unknown;
	/** A replay is shown (space plays it). */
	readonly replay?: boolean;
}

/** A row of the help (and of README's key table). */
export interface HelpRow {
	readonly key: string;
	readonly action: string;
}

/** What a binding shows in the help and the README: its keys and what they do, or a row for each of its keys. */
type KeyHelp = { readonly label: string; readonly help: string } | { readonly rows: readonly HelpRow[] };

export type KeyBinding = KeyHelp & {
	/** What the footer says of them. */
	footer(current: CurrentTab): string;
	/** How soon a footer too long for the screen leaves this out (1 first); undefined: never. */
	readonly drop?: number;
	/** The action for a press of one of these keys; undefined for any other key. */
	action(press: KeyPress): KeyAction | undefined;
};

const TAB_KEYS = ALL_FEATURES.flatMap((f) => f.tab.keys.map((k) => ({ title: f.tab.title, key: k.key, help: k.help })));
const TAB_KEY_LETTERS = [...new Set(TAB_KEYS.map((k) => k.key))];
const fixed = (text: string) => () => text;

/** Every key outside a prompt, in the order the footer lists them; the help and the README list them in this order too. */
export const KEY_TABLE: readonly KeyBinding[] = [
	{
		label: 'q, Ctrl-C / ?',
		help: 'quit / this help (? closes it)',
		footer: fixed('q quit  ? help'),
		action: ({ input, key }) => (input === 'q' || (key.ctrl && input === 'c') ? { type: 'quit' } : input === '?' || input === 'h' ? { type: 'help' } : undefined),
	},
	{
		label: `1-${FEATURE_KEYS.length}, Tab, S-Tab`,
		help: `${ALL_FEATURES.map((f) => f.tab.title).join(', ')}; next, previous`,
		footer: fixed(`1-${FEATURE_KEYS.length} tabs`),
		drop: 1,
		action({ input, key }) {
			if (key.tab) return { type: 'tab-step', by: key.shift ? -1 : 1 };
			const n = /^[1-9]$/.test(input) ? Number(input) : 0;
			return n >= 1 && n <= FEATURE_KEYS.length ? { type: 'tab', tab: FEATURE_KEYS[n - 1]! } : undefined;
		},
	},
	{
		label: 'p',
		help: 'filter by PID (comma separated, applied as typed)',
		footer: fixed('p pid'),
		drop: 6,
		action: ({ input }) => (input === 'p' ? { type: 'prompt', kind: 'pid' } : undefined),
	},
	{
		label: 'P or /',
		help: 'filter by local or remote port',
		footer: fixed('P port'),
		drop: 5,
		action: ({ input }) => (input === 'P' || input === '/' ? { type: 'prompt', kind: 'port' } : undefined),
	},
	{
		label: 'C',
		help: 'filter by cgroup path or container id (text it holds)',
		footer: fixed(''), // in the help: the footer has no room left at 80 columns
		action: ({ input }) => (input === 'C' ? { type: 'prompt', kind: 'cgroup' } : undefined),
	},
	{
		label: 'Esc',
		help: 'undo a prompt, leave a process, clear the filters',
		footer: fixed('Esc clear'),
		drop: 4,
		action: ({ key }) => (key.escape ? { type: 'escape' } : undefined),
	},
	{
		label: 'Up/Down j/k, PgUp/PgDn, Home/End',
		help: 'select a row of the tab\'s list',
		footer: fixed(''),
		action({ input, key }) {
			const to: Move | undefined = key.upArrow || input === 'k' ? 'up' : key.downArrow || input === 'j' ? 'down' : key.pageUp ? 'page-up' : key.pageDown ? 'page-down' : key.home || input === 'g' ? 'home' : key.end || input === 'G' ? 'end' : undefined;
			return to && { type: 'move', to };
		},
	},
	{
		label: 'Enter',
		help: "the selected row's process: bytes, RTT, retransmits (Esc back)",
		footer: fixed(''),
		action: ({ key }) => (key.return ? { type: 'enter' } : undefined),
	},
	{
		label: 'l',
		help: 'hide/show connections within the host (loopback)',
		footer: fixed(''),
		action: ({ input }) => (input === 'l' ? { type: 'loopback' } : undefined),
	},
	{
		label: 's',
		help: 'cycle the sort order of this tab',
		footer: fixed('s sort'),
		drop: 2,
		action: ({ input }) => (input === 's' ? { type: 'sort' } : undefined),
	},
	{
		label: 'space',
		help: 'pause the screen (counting goes on); in a replay (-R), play or stop',
		footer: ({ replay }) => (replay ? 'spc play' : 'spc pause'),
		drop: 3,
		action: ({ input }) => (input === ' ' ? { type: 'pause' } : undefined),
	},
	{
		label: 't / T, r, b',
		help: 'next / previous interval of a replay (-R) or of the history (T pauses live); r the first; b jumps to a time',
		footer: fixed(''),
		action: ({ input }) => (input === 't' ? { type: 'step', by: 1 } : input === 'T' ? { type: 'step', by: -1 } : input === 'r' ? { type: 'rewind' } : input === 'b' ? { type: 'prompt', kind: 'time' } : undefined),
	},
	{
		label: 'W',
		help: 'write the history (the last minutes) to a recording file; SIGUSR1 too',
		footer: fixed(''),
		action: ({ input }) => (input === 'W' ? { type: 'write' } : undefined),
	},
	{
		// A row a letter; a letter several tabs use says what it does on each.
		rows: TAB_KEY_LETTERS.map((key) => ({ key, action: TAB_KEYS.filter((k) => k.key === key).map((k) => `${k.title}: ${k.help}`).join('; ') })),
		footer: ({ tab, state }) => tab.keys.map((k) => k.footer(state)).filter((text) => text !== '').join('  '),
		action: ({ input }) => (TAB_KEYS.some((k) => k.key === input) ? { type: 'tab-key', key: input } : undefined),
	},
];

/** The help's rows, in the key table's order: a binding of several keys gives a row to each. */
export const helpRows = (): HelpRow[] => KEY_TABLE.flatMap((b) => ('rows' in b ? b.rows : [{ key: b.label, action: b.help }]));

/** What the keys do in a filter prompt, as the footer and the README say it. */
export const PROMPT_KEYS = 'comma separated, Enter done, Esc cancel';
/** The same for the cgroup prompt, which takes any text. */
export const CGROUP_PROMPT_KEYS = 'text it holds, Enter done, Esc cancel';
/** The same for b's prompt: a time in the replay. */
export const TIME_PROMPT_KEYS = 'HH:MM[:SS], -5m, +10m; Enter go, Esc cancel';

/** Inside a filter prompt: digits and commas (any text for a cgroup) edit it, Enter keeps it, Esc undoes it. */
function promptAction({ input, key }: KeyPress, kind: PromptKind): KeyAction | undefined {
	if (key.escape) return { type: 'escape' };
	if (key.return) return { type: 'prompt-done' };
	if (key.backspace || key.delete) return { type: 'prompt-erase' };
	const printable = input.length === 1 && input >= ' ' && !key.ctrl && !key.meta;
	if (/^[0-9,]$/.test(input) || ((kind === 'cgroup' || kind === 'time') && printable)) return { type: 'prompt-type', char: input };
	if (printable) return { type: 'prompt-reject', char: input };
	return undefined;
}

/** A key press for one character of a chunk, read as a terminal sends it: Enter is CR (or LF), Tab HT, Backspace DEL or BS, Ctrl-letter 1-26. */
function pressOf(char: string): KeyPress {
	const code = char.charCodeAt(0);
	if (char === '\r' || char === '\n') return { input: '', key: { return: true } };
	if (char === '\t') return { input: '', key: { tab: true } };
	if (char === '\x7f' || char === '\b') return { input: '', key: { backspace: true } };
	if (char === '\x1b') return { input: '', key: { escape: true } };
	if (code >= 1 && code <= 26) return { input: String.fromCharCode(code + 96), key: { ctrl: true } };
	return { input: char, key: /[A-Z]/.test(char) ? { shift: true } : {} };
}

/**
 * The presses in one read: keys typed fast, pasted or bundled by a slow link arrive together ("P5201\r"), and every one
 * counts, in order. Ink splits escape sequences (arrows, Esc) into reads of their own, so a chunk of several characters
 * is plain text and control characters.
 */
export function pressesOf(press: KeyPress): KeyPress[] {
	const chars = [...press.input];
	// A key Ink named (an arrow, Ctrl-x, Shift-letter) is one press; text, however short, is read character by character.
	if (chars.length === 0 || (chars.length === 1 && Object.values(press.key).some((v) => v === true)) || press.key.ctrl || press.key.meta) return [press];
	return chars.map(pressOf);
}

/** What a key press means; while a filter prompt is open (`prompting` its kind), keys edit it (Ctrl-C still quits). */
export function keyAction(press: KeyPress, prompting?: PromptKind): KeyAction | undefined {
	if (press.key.ctrl && press.input === 'c') return { type: 'quit' };
	if (prompting) return promptAction(press, prompting);
	for (const binding of KEY_TABLE) {
		const action = binding.action(press);
		if (action) return action;
	}
	return undefined;
}
