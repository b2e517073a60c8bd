// Ink's own Output class beside source/ui/output.ts: the writes Ink makes for real frames, captured, to draw again into either (test/ui/output.test.tsx, the bench's frame part).
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import React from 'react';
import { render } from 'ink-testing-library';
import { FEATURE_KEYS } from '../../source/features/index.js';
import { Screen } from '../../source/ui/screen.js';
import { raw, rtt, tcp } from '../fixtures/records.js';
import { TestStore } from './ui.js';

export type Write = { x: number; y: number; text: string; transformers: ((line: string, index: number) => string)[] };
export type Op = Write | { clip: { x1?: number; x2?: number; y1?: number; y2?: number } } | 'unclip';
export interface AnyOutput {
	write(x: number, y: number, text: string, options: { transformers: Write['transformers'] }): void;
	clip(clip: object): void;
	unclip(): void;
	get(): { output: string; height: number };
}
export type OutputClass = new (options: { width: number; height: number }) => AnyOutput;

/** A frame as Ink drew it: its size, the writes that made it, and Ink's text. */
export interface Frame {
	readonly width: number;
	readonly height: number;
	readonly ops: readonly Op[];
	readonly output: { output: string; height: number };
}

// Ink's files are not in its exports: found beside its entry point. Ink's renderer imports this very module, so a patch to it is seen there.
const inkEntry = createRequire(import.meta.url).resolve('ink');
export const InkOutput = ((await import(pathToFileURL(path.join(path.dirname(inkEntry), 'output.js')).href)) as { default: OutputClass }).default;
// The chalk Ink styles text with: FORCE_COLOR=0 in tests turns it off, and the frames here are to carry styles.
const inkChalk = ((await import(pathToFileURL(createRequire(inkEntry).resolve('chalk')).href)) as { default: { level: number } }).default;

/** `ops` drawn into a new `Class` of the size, and its text. */
export function drawn(Class: OutputClass, width: number, height: number, ops: readonly Op[]) {
	const out = new Class({ width, height });
	for (const op of ops) {
		if (op === 'unclip') out.unclip();
		else if ('clip' in op) out.clip(op.clip);
		else out.write(op.x, op.y, op.text, { transformers: op.transformers });
	}
	return out.get();
}

/** The frames Ink draws for every tab and its help at 80x23, in colour, with traffic and RTT in them. */
export function everyTabsFrames(): Frame[] {
	const frames: Frame[] = [];
	const ops = new WeakMap<AnyOutput, Op[]>();
	const opsOf = (o: AnyOutput) => ops.get(o) ?? ops.set(o, []).get(o)!;
	const { write, clip, unclip, get } = InkOutput.prototype;
	const level = inkChalk.level;
	inkChalk.level = 1;
	InkOutput.prototype.write = function (this: AnyOutput, x: number, y: number, text: string, options: { transformers: Write['transformers'] }) {
		if (text) opsOf(this).push({ x, y, text, transformers: [...options.transformers] });
		write.call(this, x, y, text, options);
	};
	InkOutput.prototype.clip = function (this: AnyOutput, c: object) {
		opsOf(this).push({ clip: c });
		clip.call(this, c);
	};
	InkOutput.prototype.unclip = function (this: AnyOutput) {
		opsOf(this).push('unclip');
		unclip.call(this);
	};
	InkOutput.prototype.get = function (this: AnyOutput & { width: number; height: number }) {
		const output = get.call(this);
		frames.push({ width: this.width, height: this.height, ops: opsOf(this), output });
		return output;
	};
	try {
		const store = new TestStore();
		store.read(
			raw(0, { tcp: { counters: [tcp(0, 0, { cookie: 1, pid: 11, comm: 'nginx' })], lost: 0 } }),
			raw(1000, { tcp: { counters: [tcp(3_000_000, 1000, { cookie: 1, pid: 11, comm: 'nginx' }), tcp(500, 2_000, { cookie: 2, pid: 22, comm: 'curl', rport: 8080 })], lost: 0 }, rtt: { unit: 'usecs', counters: [rtt([40, 50, 3000], { cookie: 1 })], lost: 0 } }),
		);
		for (const tab of FEATURE_KEYS) {
			for (const help of [false, true]) {
				const ui = render(<Screen state={{ ...store.getState(), tab, help }} width={80} height={23} color={true} unicode={true} currentNetns={0} />);
				ui.unmount();
			}
		}
	} finally {
		Object.assign(InkOutput.prototype, { write, clip, unclip, get });
		inkChalk.level = level;
	}
	return frames;
}
