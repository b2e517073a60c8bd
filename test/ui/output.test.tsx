// source/ui/output.ts against Ink's own Output, which the bundle replaces with it: the same text for the same writes, byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Output, { keptLines } from '../../source/ui/output.js';
import { FEATURE_KEYS } from '../../source/features/index.js';
import { drawn, everyTabsFrames, InkOutput, type Op } from '../helpers/ink-output.js';

const sgr = (codes: string, text: string, end = '0') => `\x1b[${codes}m${text}\x1b[${end}m`;
const upper = (line: string) => line.toUpperCase();

const CASES: [string, number, number, Op[]][] = [
	['plain rows, trailing blanks trimmed', 20, 3, [{ x: 0, y: 0, text: 'PID  COMM', transformers: [] }, { x: 2, y: 2, text: '  42 nginx   ', transformers: [] }]],
	['nested styles: bold, dim, inverse, colours, compound codes', 40, 2, [{ x: 0, y: 0, text: `${sgr('1', 'bold ')}${sgr('1;2', 'both')} ${sgr('7', sgr('31', 'red', '39') + ' inv', '27')} plain`, transformers: [] }, { x: 3, y: 1, text: `${sgr('2', 'dim')}${sgr('36', 'cyan', '39')}`, transformers: [] }]],
	['styles running to the row end, and over the grid', 8, 1, [{ x: 0, y: 0, text: sgr('7', 'inverse past the end'), transformers: [] }]],
	['wide characters and emoji', 12, 2, [{ x: 0, y: 0, text: '日本語 ok', transformers: [] }, { x: 1, y: 1, text: `👍 ${sgr('1', 'ｗｉｄｅ')}`, transformers: [] }]],
	['control, non-ASCII and combining characters', 16, 2, [{ x: 0, y: 0, text: 'tab\there', transformers: [] }, { x: 0, y: 1, text: 'é ü e\u0301!', transformers: [] }]],
	['a write over another', 10, 1, [{ x: 0, y: 0, text: sgr('1', 'aaaaaaaaaa'), transformers: [] }, { x: 3, y: 0, text: 'bbb', transformers: [] }]],
	['lines of a block, a transformer per line', 10, 3, [{ x: 1, y: 0, text: 'one\ntwo\nthree', transformers: [upper, (l, i) => `${i}${l}`] }]],
	['a block running below the grid', 10, 2, [{ x: 0, y: 1, text: 'a\nb\nc', transformers: [] }]],
	['clipped both ways, styled', 20, 4, [{ clip: { x1: 2, x2: 8, y1: 1, y2: 3 } }, { x: 0, y: 0, text: `0123456789\n${sgr('1', 'abcdefghij')}\nKLMNOPQRST\nuvwxyz`, transformers: [] }, { x: 12, y: 1, text: 'outside', transformers: [] }, 'unclip', { x: 12, y: 1, text: 'after', transformers: [] }]],
	['clipped across a wide character', 10, 1, [{ clip: { x1: 1, x2: 4 } }, { x: 0, y: 0, text: '日本語', transformers: [] }, 'unclip']],
	['nothing written', 5, 2, []],
];

test('the same text as Ink\'s Output for each kind of write (styles, wide characters, clips, transformers, blocks)', () => {
	for (const [what, width, height, ops] of CASES) {
		assert.deepEqual(drawn(Output, width, height, ops), drawn(InkOutput, width, height, ops), what);
		// Twice: the second time from the lines it keeps across frames.
		assert.deepEqual(drawn(Output, width, height, ops), drawn(InkOutput, width, height, ops), `${what}, again`);
	}
});

test('it keeps the lines of two frames at most, however many frames have new ones', () => {
	for (let frame = 0; frame < 200; frame++) {
		const out = new Output({ width: 30, height: 20 });
		for (let y = 0; y < 20; y++) out.write(0, y, `${frame} ${y} \x1b[1mstyled\x1b[22m`, { transformers: [] });
		out.get();
	}
	assert.ok(keptLines() <= 40, `${keptLines()} lines kept`);
});

test('the same text as Ink\'s Output for every frame of every tab, in colour and in help', () => {
	const frames = everyTabsFrames();
	for (const f of frames) assert.deepEqual(drawn(Output, f.width, f.height, f.ops), f.output);
	// Each screen drawn at least once (Ink draws again as it unmounts), most with styles.
	assert.ok(frames.length >= FEATURE_KEYS.length * 2, `${frames.length} frames`);
	const styled = frames.filter((f) => f.output.output.includes('\x1b[')).length;
	assert.ok(styled >= FEATURE_KEYS.length * 2, `${styled} frames with styles`);
});
