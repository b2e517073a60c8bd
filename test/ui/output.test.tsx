// source/ui/output.ts against Ink's own Output, which the bundle replaces with it: the same text for the same writes, byte for byte.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import React from 'react';
import { render } from 'ink-testing-library';
import Output, { keptLines } from '../../source/ui/output.js';
import { Screen } from '../../source/ui/screen.js';
import { FEATURE_KEYS } from '../../source/features/index.js';
import { raw, rtt, tcp } from '../fixtures/records.js';
import { TestStore } from '../helpers/ui.js';

type Write = { x: number; y: number; text: string; transformers: ((line: string, index: number) => string)[] };
type Op = Write | { clip: { x1?: number; x2?: number; y1?: number; y2?: number } } | 'unclip';
interface AnyOutput {
	write(x: number, y: number, text: string, options: { transformers: Write['transformers'] }): void;
	clip(clip: object): void;
	unclip(): void;
	get(): { output: string; height: number };
}
type OutputClass = new (options: { width: number; height: number }) => AnyOutput;

// Ink's files are not in its exports: found beside its entry point. Ink's renderer imports this very module, so a patch to it is seen there.
const inkEntry = createRequire(import.meta.url).resolve('ink');
const InkOutput = ((await import(pathToFileURL(path.join(path.dirname(inkEntry), 'output.js')).href)) as { default: OutputClass }).default;
// The chalk Ink styles text with: FORCE_COLOR=0 in tests turns it off, and the frames here are to carry styles.
const inkChalk = ((await import(pathToFileURL(createRequire(inkEntry).resolve('chalk')).href)) as { default: { level: number } }).default;

function drawn(Class: OutputClass, width: number, height: number, ops: readonly Op[]) {
	const out = new Class({ width, height });
	for (const op of ops) {
		if (op === 'unclip') out.unclip();
		else if ('clip' in op) out.clip(op.clip);
		else out.write(op.x, op.y, op.text, { transformers: op.transformers });
	}
	return out.get();
}

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

test('the same text as Ink\'s Output for every frame of every tab, in colour and in help', async () => {
	// Ink's writes for real screens, replayed into ours as each frame is drawn.
	const original = InkOutput.prototype.get;
	const ops = new WeakMap<AnyOutput, Op[]>();
	const { write, clip, unclip } = InkOutput.prototype;
	let frames = 0;
	let styled = 0;
	const level = inkChalk.level;
	inkChalk.level = 1;
	InkOutput.prototype.write = function (this: AnyOutput, x: number, y: number, text: string, options: { transformers: Write['transformers'] }) {
		if (text) (ops.get(this) ?? ops.set(this, []).get(this)!).push({ x, y, text, transformers: [...options.transformers] });
		write.call(this, x, y, text, options);
	};
	InkOutput.prototype.clip = function (this: AnyOutput, c: object) {
		(ops.get(this) ?? ops.set(this, []).get(this)!).push({ clip: c });
		clip.call(this, c);
	};
	InkOutput.prototype.unclip = function (this: AnyOutput) {
		(ops.get(this) ?? ops.set(this, []).get(this)!).push('unclip');
		unclip.call(this);
	};
	InkOutput.prototype.get = function (this: AnyOutput & { width: number; height: number }) {
		const theirs = original.call(this);
		assert.deepEqual(drawn(Output, this.width, this.height, ops.get(this) ?? []), theirs);
		frames++;
		if (theirs.output.includes('\x1b[')) styled++;
		return theirs;
	};
	try {
		const store = new TestStore();
		store.read(
			raw(0, { tcp: { counters: [tcp(0, 0, { cookie: 1, pid: 11, comm: 'nginx' })], lost: 0 } }),
			raw(1000, { tcp: { counters: [tcp(3_000_000, 1000, { cookie: 1, pid: 11, comm: 'nginx' }), tcp(500, 2_000, { cookie: 2, pid: 22, comm: 'curl', rport: 8080 })], lost: 0 }, rtt: { unit: 'usecs', counters: [rtt([40, 50, 3000], { cookie: 1 })], lost: 0 } }),
		);
		for (const tab of FEATURE_KEYS) {
			for (const help of [false, true]) {
				const state = { ...store.getState(), tab, help };
				const ui = render(<Screen state={state} width={80} height={23} color={true} unicode={true} currentNetns={0} />);
				ui.unmount();
			}
		}
	} finally {
		Object.assign(InkOutput.prototype, { write, clip, unclip, get: original });
		inkChalk.level = level;
	}
	// Each screen drawn at least once (Ink draws again as it unmounts), most with styles.
	assert.ok(frames >= FEATURE_KEYS.length * 2, `${frames} frames`);
	assert.ok(styled >= FEATURE_KEYS.length * 2, `${styled} frames with styles`);
});
