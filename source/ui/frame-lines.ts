// The screen's lines for one UI state, without React: what Screen draws, and what the first frame writes before Ink has loaded.
import { clip, unicodeLocale, type Line, type Segment } from '../format/lines.js';
import { ALL_FEATURES, entry } from '../features/index.js';
import { headerLines, summaryLines } from '../output/frame.js';
import { footerLines, helpLines, tabsLine } from './bars.js';
import { drillLines } from './drill.js';
import { sortKey, type UiState } from './state.js';

export interface ScreenProps {
	readonly state: UiState;
	readonly width: number;
	readonly height: number;
	/** False under NO_COLOR: bold, dim and inverse stay, colours go. */
	readonly color: boolean;
	readonly unicode: boolean;
	/** Inode of nettop's own network namespace: its interfaces show no NETNS. */
	readonly currentNetns: number;
	/** The features' flags in force that the header shows (output/frame.ts headerModes): "-r connect". */
	readonly modes?: readonly string[];
}

/** Lines around the body at their fewest: header, summary, tabs, footer. */
export const CHROME_LINES = 4;

export interface ScreenParts {
	readonly header: readonly Line[];
	readonly summary: readonly Line[];
	readonly tabs: Line;
	/** The tab's rows (or help, or a drill-down), at most `height`. */
	readonly body: readonly Line[];
	/** The rows the body has: the screen less the other lines. */
	readonly height: number;
	readonly footer: readonly Line[];
}

function bodyLines(props: ScreenProps, height: number): Line[] {
	const { state, width, currentNetns, unicode } = props;
	const seconds = state.sample?.interval ?? 1;
	if (state.drill) return drillLines(state.sample, state.drill.owner, { width, height, seconds, cursor: state.drill.cursor });
	const f = ALL_FEATURES.find((x) => x.key === state.tab)!;
	const view = state.sample && entry(state.sample, f.key);
	return f.tab.lines(view, { state: entry(state.tabs, f.key), sort: sortKey(state), seconds, height, width, currentNetns, unicode, cursor: state.cursor[state.tab], filter: state.filter });
}

type ChromeProps = Pick<ScreenProps, 'state' | 'width' | 'height' | 'modes'>;
type Chrome = Omit<ScreenParts, 'tabs' | 'body'>;

/** The last screen's chrome: App asks for it to size the body, then Screen for the same state to draw it. */
let lastChrome: { props: ChromeProps; parts: Chrome } | undefined;

/** The lines around the body for a screen, and the rows left for the body. */
export function chrome(props: ChromeProps): Chrome {
	const was = lastChrome?.props;
	if (was && was.state === props.state && was.width === props.width && was.height === props.height && was.modes === props.modes) return lastChrome!.parts;
	const parts = chromeOf(props);
	lastChrome = { props: { state: props.state, width: props.width, height: props.height, modes: props.modes }, parts };
	return parts;
}

function chromeOf(props: ChromeProps): Chrome {
	const { state, width } = props;
	// A screen too narrow for the header's state, the summary's figures or a prompt's problem on one line gives them more: nothing is cut.
	const header = headerLines({ time: state.time, intervalMs: state.intervalMs, paused: state.paused, filter: state.filter, lost: state.sample?.lost ?? {}, absentPids: state.sample?.absentPids, modes: props.modes, replay: state.replay, note: state.note }, width);
	const summary = summaryLines(state.sample, width);
	const footer = footerLines(state, width);
	const height = Math.max(1, props.height - CHROME_LINES - (header.length - 1) - (summary.length - 1) - (footer.length - 1));
	return { header, summary, height, footer };
}

export function screenParts(props: ScreenProps): ScreenParts {
	const { state, width } = props;
	const around = chrome(props);
	const body = (state.help ? helpLines(width, around.height, state.sample?.cost, state.helpPage) : bodyLines(props, around.height)).slice(0, around.height);
	return { ...around, tabs: tabsLine(state, width), body };
}

const COLOR = { red: 31, green: 32, yellow: 33, cyan: 36 } as const;

function styled(s: Segment, color: boolean): string {
	const codes: number[] = [];
	if (s.bold) codes.push(1);
	if (s.dim) codes.push(2);
	if (s.inverse) codes.push(7);
	if (color && s.color) codes.push(COLOR[s.color]);
	return codes.length === 0 ? s.text : `\x1b[${codes.join(';')}m${s.text}\x1b[0m`;
}

/** The whole screen as terminal text (SGR for the styles), row by row as Screen lays it out: the body padded to its height. */
export function screenText(props: ScreenProps): string {
	const p = screenParts(props);
	const body = [...p.body, ...Array.from({ length: Math.max(0, p.height - p.body.length) }, (): Line => [])];
	return [...p.header, ...p.summary, p.tabs, ...body, ...p.footer].map((l) => clip(l, props.width).map((s) => styled(s, props.color)).join('')).join('\n');
}

/** Colour unless NO_COLOR is set (to anything but empty); box drawing where the locale is UTF-8. */
export function terminalStyle(): { color: boolean; unicode: boolean } {
	return { color: !('NO_COLOR' in process.env) || process.env.NO_COLOR === '', unicode: unicodeLocale() };
}
