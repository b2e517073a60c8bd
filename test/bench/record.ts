// Issue 31: what recording costs at 1,000 live flows (--json beside --json -w, alternating), the bytes an interval idle and busy, and a replay's speed.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { run, sleep } from '../helpers/exec.js';
import { holdingServer, manyConnections } from '../helpers/load.js';
import type { TestNet } from '../helpers/netns.js';
import { CLI, NettopProcess } from '../helpers/nettop.js';
import { cpuSecondsExact, fmt, median } from './measure.js';
import { atMost } from './targets.js';
import { deflateRawSync } from 'node:zlib';
import type { Reading } from '../../source/features/index.js';
import { BlockEncoder } from '../../source/recording/block.js';
import { FULL_EVERY, readRecording } from '../../source/recording/file.js';
import { Recording } from '../../source/recording/recording.js';
import { Pipeline } from '../../source/pipeline.js';

type Report = (what: string, value: string, target: string, reference: string) => void;

const CONNECTIONS = 500; // 1,000 flows: both ends are in namespaces nettop sees
/** Measured from this long after start (V8's compiling, the first full blocks), for this long. */
const WARM_MS = 20_000;
const STEADY_MS = 20_000;
const ROUNDS = 2;

/** nettop --json -i 1 (and -w FILE when given): its CPU in % of a core over STEADY_MS from WARM_MS, and how many lines it printed by then. */
async function cpuOf(file?: string): Promise<{ cpu: number; lines: number }> {
	const nettop = new NettopProcess(['--json', '-i', '1', ...(file ? ['-w', file] : [])]);
	try {
		await nettop.waitForLines(1);
		await sleep(WARM_MS);
		const [c0, t0] = [cpuSecondsExact(nettop.pid), performance.now()];
		await sleep(STEADY_MS);
		return { cpu: ((cpuSecondsExact(nettop.pid) - c0) / ((performance.now() - t0) / 1000)) * 100, lines: nettop.lines.length };
	} finally {
		nettop.kill('SIGINT');
		await nettop.exited();
	}
}

/** A recording's blocks: how many, their mean and largest size in bytes (frame and all). */
function blocks(file: string): { n: number; mean: number; max: number } {
	const data = readFileSync(file);
	const offsets: number[] = [];
	for (const item of readRecording(data, file)) if (item.kind === 'reading') offsets.push(item.offset);
	const sizes = offsets.map((at, i) => (offsets[i + 1] ?? data.length) - at);
	return { n: sizes.length, mean: sizes.reduce((s, x) => s + x, 0) / sizes.length, max: Math.max(...sizes) };
}

/**
 * The recorder's work per interval on a recording's readings, in ms: each
 * encoded against the one before (a full block every FULL_EVERY) and
 * deflated, median of 3 passes. The flows are frozen as the collectors
 * freeze them (kernel/slot-flows.ts), so a shared flow costs what it does live.
 */
function encodeMs(file: string): number {
	const readings: Reading[] = [];
	for (const item of readRecording(readFileSync(file), file)) if (item.kind === 'reading') readings.push(item.reading);
	for (const r of readings) for (const key of ['tcp', 'rtt'] as const) {
		const s = r[key] as { flows?: object[] };
		s.flows?.forEach((f) => Object.freeze(f));
	}
	const passes: number[] = [];
	for (let pass = 0; pass < 3; pass++) {
		const enc = new BlockEncoder();
		const t0 = performance.now();
		readings.forEach((r, k) => deflateRawSync(enc.encode(r, k % FULL_EVERY === 0)));
		passes.push((performance.now() - t0) / readings.length);
	}
	return median(passes);
}

/**
 * A day at 1,000 flows: the recorded run appended to itself to 86,400
 * intervals (real bytes), opened as the UI opens it, then jumps as the UI
 * makes them: the 60 readings before the one shown and it through the model
 * (across the appended runs' starts, which the UI would stop at: the same
 * work a day-long run costs).
 */
function jumpPart(file: string, readings: number, dir: string, report: Report): void {
	const day = path.join(dir, 'day.rec');
	const copies = Math.ceil(86_400 / (readings - 1));
	const run1 = readFileSync(file);
	writeFileSync(day, Buffer.concat(Array.from({ length: copies }, () => run1)));
	const data = readFileSync(day);
	rmSync(day);
	const t0 = performance.now();
	const rec = new Recording(data, day);
	const open = performance.now() - t0;
	const jumps = [0.97, 0.5, 0.1, 0.75, 0.3, 0.62, 0.05, 0.88, 0.4].map((at) => {
		const k = rec.intervals[Math.floor(at * (rec.intervals.length - 1))]!;
		const pipeline = new Pipeline();
		const t = performance.now();
		for (let j = Math.max(0, k - 60); j <= k; j++) {
			const r = rec.reading(j);
			if (r) pipeline.push(r);
		}
		return performance.now() - t;
	});
	const sorted = [...jumps].sort((a, b) => a - b);
	report(`a jump in 24 h at ${2 * CONNECTIONS} flows (61 readings through the model, as the UI)`, `${fmt(sorted.at(-1)!, 0)} ms the longest of ${jumps.length} (median ${fmt(median(jumps), 0)})`, atMost('a jump in a 24 h recording at 1,000 flows', sorted.at(-1)!, 200, 'ms'), `opening the file (${fmt(data.length / 1e6, 0)} MB, ${rec.length} readings): ${fmt(open, 0)} ms`);
}

export async function recordPart(net: TestNet, report: Report): Promise<void> {
	console.log(`\n11. Recording (issue 31): --json -i 1 with and without -w, alternating, ${ROUNDS} rounds, CPU over ${STEADY_MS / 1000} s from ${WARM_MS / 1000} s after start; the bytes an interval; a replay's speed`);
	const dir = mkdtempSync(path.join(tmpdir(), 'nettop-bench-rec-'));
	try {
		const idle = path.join(dir, 'idle.rec');
		const quiet = new NettopProcess(['-q', '-w', idle, '-i', '1']);
		await sleep(30_000);
		quiet.kill('SIGINT');
		await quiet.exited();
		const i = blocks(idle);
		report('recording an idle host: bytes an interval', `${fmt(i.mean, 0)} B (${i.n} intervals, largest ${i.max} B)`, atMost('recording, idle: bytes an interval', i.mean, 200, 'B'), `the file ${statSync(idle).size} B`);

		const server = await holdingServer(net, net.b, 7951);
		const many = manyConnections(net, net.a, net.b.ip4, 7951, CONNECTIONS, 300, true);
		try {
			await many.waitFor(`open ${CONNECTIONS}`, 120_000);
			const plain: number[] = [];
			const recording: number[] = [];
			let file = '';
			for (let r = 0; r < ROUNDS; r++) {
				plain.push((await cpuOf()).cpu);
				file = path.join(dir, `busy-${r}.rec`);
				recording.push((await cpuOf(file)).cpu);
			}
			const [a, b] = [mean(plain), mean(recording)];
			// The runs' CPU differs by more than recording costs (±0.5% run to run here): the target is held to the
			// recorder's own work, timed in this process on the readings the last run recorded.
			const own = encodeMs(file);
			report(`${2 * CONNECTIONS} live flows: the recorder's work (encode, deflate) at -i 1`, `${fmt(own / 10, 3)} % of a core (${fmt(own, 2)} ms an interval)`, atMost('recording at 1,000 flows: the recorder\'s CPU', own / 10, 0.3, '% of a core'), `--json -w ${fmt(b, 2)} % (${recording.map((x) => fmt(x, 2)).join(', ')}) beside --json alone ${fmt(a, 2)} % (${plain.map((x) => fmt(x, 2)).join(', ')}), alternating`);
			const busy = blocks(file);
			report(`${2 * CONNECTIONS} live flows: bytes an interval`, `${fmt(busy.mean / 1024, 1)} KB (${busy.n} intervals, largest ${fmt(busy.max / 1024, 1)} KB)`, atMost('recording at 1,000 flows: KB an interval', busy.mean / 1024, 20, 'KB'), `${fmt(busy.max / 1024, 1)} KB the largest (a full block)`);
			// An hour: the run recorded, appended to itself until it holds 3,600 intervals (a file of restarts, each run
			// replayed with a pipeline of its own), replayed whole, median of 3. Timing the short run and multiplying
			// took V8's first seconds, which compile the code, for the hour's pace (10.4 s on 2026-12-08, where an hour
			// made so of an ad hoc recording at 1,000 flows replayed in 5.0 s).
			const hour = path.join(dir, 'hour.rec');
			const run1 = readFileSync(file);
			const copies = Math.ceil(3600 / (busy.n - 1));
			writeFileSync(hour, Buffer.concat(Array.from({ length: copies }, () => run1)));
			const timed = async (extra: string) => {
				const t0 = performance.now();
				// The bin as users run it: its #! line sets node's flags (a 2 MB young generation), which `node FILE` would not.
				await run('sh', ['-c', `${CLI} -R ${hour} --json ${extra} > /dev/null`], 300_000);
				return performance.now() - t0;
			};
			const [whole, start] = [median([await timed(''), await timed(''), await timed('')]), median([await timed('-n 1'), await timed('-n 1'), await timed('-n 1')])];
			const intervals = copies * (busy.n - 1);
			report(`replay --json at ${2 * CONNECTIONS} flows: one hour of 1 s intervals`, `${fmt(whole / 1000, 1)} s (${intervals} intervals: the run of ${busy.n - 1} appended ${copies} times, ${fmt(statSync(hour).size / 1e6, 1)} MB)`, atMost('replay of an hour at 1,000 flows', whole / 1000, 5, 's'), `the start, to the first line: ${fmt(start, 0)} ms`);
			rmSync(hour);
			jumpPart(file, busy.n, dir, report);
		} finally {
			many.child.kill();
			server.child.kill();
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
