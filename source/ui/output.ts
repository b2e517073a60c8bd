// Ink's Output (ink/build/output.js, Ink 6.8), the grid a frame is drawn into, made cheap: the bundle puts it in Ink's place.
/*
 * A screen is redrawn every second. What this class writes is Ink's, byte
 * for byte (test/ui/output.test.tsx compares the two); how it gets there
 * differs (scripts/bundle.mjs swaps it in):
 * - a line's characters are worked out once and kept to the next frame
 *   (Ink tokenizes every line of every frame anew), and a line of printable
 *   ASCII is split without the tokenizer;
 * - blank cells are one shared object, not 1,920 new ones a frame;
 * - a row turns into text with its styles compared, not diffed, where two
 *   characters side by side carry the same ones, and a row without styles
 *   is joined as it is.
 * Nothing here changes a character object once made: rows share them.
 */
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import { ansiCodesToString, diffAnsiCodes, styledCharsFromTokens, tokenize, type AnsiCode, type StyledChar } from '@alcalzone/ansi-tokenize';

type Transformer = (line: string, index: number) => string;

interface Clip {
	readonly x1: number | undefined;
	readonly x2: number | undefined;
	readonly y1: number | undefined;
	readonly y2: number | undefined;
}

type Operation = { type: 'write'; x: number; y: number; text: string; transformers: readonly Transformer[] } | { type: 'clip'; clip: Clip } | { type: 'unclip' };

const NO_STYLES: AnsiCode[] = [];
const BLANK: StyledChar = { type: 'char', value: ' ', fullWidth: false, styles: NO_STYLES };
/** One character object per printable ASCII character, unstyled. */
const ASCII: StyledChar[] = Array.from({ length: 0x7f }, (_, code) => ({ type: 'char', value: String.fromCharCode(code), fullWidth: false, styles: NO_STYLES }));

/**
 * The lines of the last frame and of this one, with their characters: a
 * screen's rows mostly stay from one frame to the next. Only two frames'
 * are kept (a styled line's characters are an object each, with its styles).
 */
let lastFrame = new Map<string, StyledChar[]>();
let thisFrame = new Map<string, StyledChar[]>();

/** The characters of a line, as Ink's tokenizer makes them. */
function charsOf(line: string): StyledChar[] {
	let chars = thisFrame.get(line) ?? lastFrame.get(line);
	chars ??= asciiChars(line) ?? styledCharsFromTokens(tokenize(line));
	thisFrame.set(line, chars);
	return chars;
}

/** How many lines are kept (for tests: at most two frames' worth). */
export const keptLines = (): number => lastFrame.size + thisFrame.size;

/** A frame is drawn: its lines become the last frame's. */
function frameDone(): void {
	lastFrame = thisFrame;
	thisFrame = new Map();
}

/** A line of printable ASCII only (no escape, no control, nothing wide), split by hand; else undefined. */
function asciiChars(line: string): StyledChar[] | undefined {
	const chars = new Array<StyledChar>(line.length);
	for (let i = 0; i < line.length; i++) {
		const code = line.charCodeAt(i);
		if (code < 0x20 || code >= 0x7f) return undefined;
		chars[i] = ASCII[code]!;
	}
	return chars;
}

const sameStyles = (a: readonly AnsiCode[], b: readonly AnsiCode[]) => a === b || (a.length === b.length && a.every((c, i) => c.code === b[i]!.code));

/** styledCharsToString: the codes to go from each character's styles to the next's, where they differ. */
function rowText(chars: readonly StyledChar[]): string {
	if (chars.every((c) => c.styles.length === 0)) {
		let text = '';
		for (const c of chars) text += c.value;
		return text;
	}
	let text = '';
	for (let i = 0; i < chars.length; i++) {
		const c = chars[i]!;
		if (i === 0) text += ansiCodesToString(c.styles);
		else if (!sameStyles(chars[i - 1]!.styles, c.styles)) text += ansiCodesToString(diffAnsiCodes(chars[i - 1]!.styles, c.styles));
		text += c.value;
		if (i === chars.length - 1) text += ansiCodesToString(diffAnsiCodes(c.styles, []));
	}
	return text;
}

export default class Output {
	readonly width: number;
	readonly height: number;
	private readonly operations: Operation[] = [];
	private readonly widths = new Map<string, number>();
	private readonly blockWidths = new Map<string, number>();

	constructor(options: { width: number; height: number }) {
		this.width = options.width;
		this.height = options.height;
	}

	write(x: number, y: number, text: string, options: { transformers: readonly Transformer[] }): void {
		if (!text) return;
		this.operations.push({ type: 'write', x, y, text, transformers: options.transformers });
	}

	clip(clip: Clip): void {
		this.operations.push({ type: 'clip', clip });
	}

	unclip(): void {
		this.operations.push({ type: 'unclip' });
	}

	private widthOf(text: string): number {
		let width = this.widths.get(text);
		if (width === undefined) this.widths.set(text, (width = stringWidth(text)));
		return width;
	}

	private widestLine(text: string): number {
		let width = this.blockWidths.get(text);
		if (width === undefined) {
			width = 0;
			for (const line of text.split('\n')) width = Math.max(width, this.widthOf(line));
			this.blockWidths.set(text, width);
		}
		return width;
	}

	/** A character's columns: 1 for printable ASCII without asking string-width. */
	private columnsOf(c: StyledChar): number {
		const v = c.value;
		if (v.length === 1) {
			const code = v.charCodeAt(0);
			if (code >= 0x20 && code < 0x7f) return 1;
		}
		return Math.max(1, this.widthOf(v));
	}

	get(): { output: string; height: number } {
		const output: StyledChar[][] = [];
		for (let y = 0; y < this.height; y++) output.push(new Array<StyledChar>(this.width).fill(BLANK));
		const clips: Clip[] = [];
		for (const operation of this.operations) {
			if (operation.type === 'clip') clips.push(operation.clip);
			if (operation.type === 'unclip') clips.pop();
			if (operation.type !== 'write') continue;
			const { text, transformers } = operation;
			let { x, y } = operation;
			let lines = text.split('\n');
			const clip = clips.at(-1);
			if (clip) {
				const horizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
				const vertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
				if (horizontally) {
					const width = this.widestLine(text);
					if (x + width < clip.x1! || x > clip.x2!) continue;
				}
				if (vertically && (y + lines.length < clip.y1! || y > clip.y2!)) continue;
				if (horizontally) {
					lines = lines.map((line) => {
						const from = x < clip.x1! ? clip.x1! - x : 0;
						const width = this.widthOf(line);
						const to = x + width > clip.x2! ? clip.x2! - x : width;
						return sliceAnsi(line, from, to);
					});
					if (x < clip.x1!) x = clip.x1!;
				}
				if (vertically) {
					const from = y < clip.y1! ? clip.y1! - y : 0;
					const to = y + lines.length > clip.y2! ? clip.y2! - y : lines.length;
					lines = lines.slice(from, to);
					if (y < clip.y1!) y = clip.y1!;
				}
			}
			let offsetY = 0;
			for (let [index, line] of lines.entries()) {
				const row = output[y + offsetY];
				if (!row) continue;
				for (const transformer of transformers) line = transformer(line, index);
				let offsetX = x;
				for (const c of charsOf(line)) {
					row[offsetX] = c;
					const columns = this.columnsOf(c);
					// The columns a wide character covers after its first: empty, in its styles.
					for (let k = 1; k < columns; k++) row[offsetX + k] = { type: 'char', value: '', fullWidth: false, styles: c.styles };
					offsetX += columns;
				}
				offsetY++;
			}
		}
		const text = output.map((row) => rowText(row.filter((c) => c !== undefined)).trimEnd()).join('\n');
		frameDone();
		return { output: text, height: output.length };
	}
}
