// Drawing a frame: Ink's Output against source/ui/output.ts (the bundle's), on the writes Ink makes for every tab, in this process; no BPF.
import { performance } from 'node:perf_hooks';
import Output from '../../source/ui/output.js';
import { drawn, everyTabsFrames, InkOutput, type OutputClass } from '../helpers/ink-output.js';
import { fmt, median } from './measure.js';

type Report = (what: string, value: string, target: string, reference: string) => void;

/** Median ms a frame of `Class` over `rounds`: each frame drawn `repeat` times in a row (a screen that holds), or once in turn (every frame new). */
function perFrame(Class: OutputClass, frames: ReturnType<typeof everyTabsFrames>, repeat: number, rounds = 9): number {
	const times: number[] = [];
	for (let r = 0; r < rounds; r++) {
		const t0 = performance.now();
		for (const f of frames) for (let k = 0; k < repeat; k++) drawn(Class, f.width, f.height, f.ops);
		times.push((performance.now() - t0) / (frames.length * repeat));
	}
	return median(times);
}

export function framePart(report: Report): void {
	console.log('\n10. Drawing a frame: Ink\'s Output and the bundle\'s (source/ui/output.ts), every tab and its help at 80x23 in colour');
	const frames = everyTabsFrames();
	for (const [what, repeat] of [['the same frame again (most rows unchanged)', 20], ['each frame new', 1]] as const) {
		const [ours, ink] = [perFrame(Output, frames, repeat), perFrame(InkOutput, frames, repeat)];
		report(`a frame, ${what}`, `${fmt(ours, 3)} ms`, '-', `Ink's Output: ${fmt(ink, 3)} ms`);
	}
}
