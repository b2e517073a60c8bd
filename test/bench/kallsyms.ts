// Naming drop places: the first places a read meets, then one more, looked up in one pass over /proc/kallsyms (source/kernel/kallsyms.ts), in this process.
import { readFileSync } from 'node:fs';
import { Kallsyms } from '../../source/kernel/kallsyms.js';
import { fmt } from './measure.js';

type Report = (what: string, value: string, target: string, reference: string) => void;

export function kallsymsPart(report: Report): void {
	// Six text symbols spread over the file (the kernel's, then modules'), 16 bytes in, as drop places are.
	const text = readFileSync('/proc/kallsyms', 'utf8').split('\n').filter((l) => / [tT] /.test(l) && !l.startsWith('0000000000000000'));
	const places = [0.1, 0.3, 0.5, 0.7, 0.9, 0.99].map((f) => BigInt(`0x${text[Math.floor(f * text.length)]!.slice(0, 16)}`) + 16n);
	const later = places.pop()!;
	text.length = 0;
	global.gc?.();
	const rss0 = process.memoryUsage().rss;
	const k = new Kallsyms();
	let t0 = performance.now();
	k.resolve(places);
	const first = performance.now() - t0;
	const grew = (process.memoryUsage().rss - rss0) / 2 ** 20;
	t0 = performance.now();
	k.resolve([later]);
	const again = performance.now() - t0;
	report(`naming ${places.length} drop places at once (one pass over /proc/kallsyms, in process)`, `${fmt(first)} ms, ${fmt(grew)} MB more resident`, '-', `a new place later: ${fmt(again)} ms; e.g. ${k.name(places[0]!)}`);
}
