// Recordings on disk: runs appended, readings back in order, and damage said in one line while the rest replays.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { RecordingError } from '../../source/format/binary.js';
import type { Reading } from '../../source/features/index.js';
import { encodeFrame, frameAt } from '../../source/recording/frame.js';
import { FORMAT, FULL_EVERY, readRecording, RecordingWriter, type RecordingHeader, type ReplayItem } from '../../source/recording/file.js';
import { nic, raw, tcp } from '../fixtures/records.js';

const dir = mkdtempSync(path.join(tmpdir(), 'nettop-rec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HEADER: RecordingHeader = { format: FORMAT, nettop: '0.1.0', host: 'web1', kernel: '6.18.0', boot: 1_700_000_000_000, started: 1_700_000_100_000, interval_s: 1, netns: 4026531840, modes: [], tz: 'UTC' };
const reading = (k: number): Reading => raw(k * 1000, { nic: { counters: [nic(1000 * k)], lost: 0 }, tcp: { counters: [tcp(100 * k, 10 * k)], lost: 0 } });

/** A file of `runs` runs of `n` readings each. */
function record(name: string, runs: number, n: number): string {
	const file = path.join(dir, name);
	for (let r = 0; r < runs; r++) {
		const w = RecordingWriter.open(file, { ...HEADER, started: HEADER.started + r });
		for (let k = 0; k < n; k++) w.add(reading(k));
		w.close();
	}
	return file;
}

const items = (data: Buffer) => [...readRecording(data, 'f.rec')];
const readings = (list: ReplayItem[]) => list.filter((i) => i.kind === 'reading').map((i) => (i as { reading: Reading }).reading);
const damage = (list: ReplayItem[]) => list.filter((i) => i.kind === 'damage').map((i) => (i as { text: string }).text);

test('readings come back in order, run by run; a restart appends a run; full blocks every FULL_EVERY', () => {
	const file = record('two-runs.rec', 2, FULL_EVERY + 5);
	const list = items(readFileSync(file));
	assert.deepEqual(
		list.filter((i) => i.kind === 'run').map((i) => (i as { header: RecordingHeader }).header.started),
		[HEADER.started, HEADER.started + 1],
	);
	const back = readings(list);
	assert.equal(back.length, 2 * (FULL_EVERY + 5));
	assert.deepEqual(
		back.map((r) => r.mono),
		[...Array.from({ length: FULL_EVERY + 5 }, (_, k) => k * 1000), ...Array.from({ length: FULL_EVERY + 5 }, (_, k) => k * 1000)],
	);
	assert.deepEqual(damage(list), []);
	const size = readFileSync(file).length / back.length;
	assert.ok(size < 200, `an interval of an idle host: ${size.toFixed(0)} bytes`);
});

test('a file cut anywhere in its last frame replays up to there and says where it ends', () => {
	const data = readFileSync(record('cut.rec', 1, 6));
	let last = 0;
	for (let at = 0; at < data.length; at = frameAt(data, at).end) last = at;
	for (let end = last + 1; end < data.length; end++) {
		const list = items(data.subarray(0, end));
		assert.equal(readings(list).length, 6, `cut at ${end}: the E frame cut, every reading kept`);
		assert.deepEqual(damage(list), [`f.rec ends at byte ${end} inside a frame that starts at byte ${last}, after seq 6 (${new Date(1_700_000_005_000).toISOString()}): replayed up to there`]);
	}
});

test('a flipped byte: its frame is skipped and named, the deltas after it up to the next full block too, and the replay goes on', () => {
	const data = readFileSync(record('flip.rec', 1, FULL_EVERY + 3));
	const frames: { start: number; seq: number; end: number }[] = [];
	for (let at = 0; at < data.length; at = frameAt(data, at).end) frames.push(frameAt(data, at));
	const hit = frames[5]!; // seq 5: a delta block
	const bad = Buffer.from(data);
	bad[hit.start + 50] = bad[hit.start + 50]! ^ 0x10;
	const list = items(bad);
	const text = damage(list);
	assert.equal(text.length, 2, text.join('\n'));
	assert.match(text[0]!, new RegExp(`^f\\.rec: bytes ${hit.start}-${hit.end - 1} skipped, after seq 4 \\(.*\\): frame at byte ${hit.start} \\(seq 5\\): checksum mismatch$`));
	assert.match(text[1]!, new RegExp(`^f\\.rec: ${FULL_EVERY - 5} intervals after the damage skipped \\(each needs the one before it\\): replay goes on at seq ${FULL_EVERY + 1} `));
	assert.deepEqual(
		readings(list).map((r) => r.mono / 1000),
		[0, 1, 2, 3, FULL_EVERY, FULL_EVERY + 1, FULL_EVERY + 2],
	);
});

test('not a recording, an empty file, a newer format: one line each (the CLI exits 2)', () => {
	assert.throws(() => items(Buffer.from('hello\n')), { name: 'RecordingError', message: 'f.rec is not a nettop recording' });
	assert.throws(() => items(Buffer.alloc(0)), { message: 'f.rec is empty' });
	const newer = encodeFrame({ type: 'H', flags: 0, rawLength: 0, seq: 0, wall: 0, fullBack: 0, indexBack: 0 }, Buffer.from(JSON.stringify({ ...HEADER, format: FORMAT + 1, nettop: '9.0.0' })));
	assert.throws(() => items(newer), { message: `f.rec is in format ${FORMAT + 1}, newer than this nettop reads (${FORMAT}): replay it with nettop 9.0.0 or later` });
	const headed = (features: Record<string, unknown>) => encodeFrame({ type: 'H', flags: 0, rawLength: 0, seq: 0, wall: 0, fullBack: 0, indexBack: 0 }, Buffer.from(JSON.stringify({ ...HEADER, nettop: '9.0.0', features })));
	assert.throws(() => items(headed({ drops: 2 })), { message: 'f.rec holds drops records of version 2, newer than this nettop reads (1): replay it with nettop 9.0.0 or later' });
	assert.deepEqual(items(headed({ nic: 1, dns: 4 })).map((i) => i.kind), ['run'], 'a feature this nettop lacks is left out, not refused');
	const other = path.join(dir, 'notes.txt');
	writeFileSync(other, 'not mine');
	assert.throws(() => RecordingWriter.open(other, HEADER), (e: Error) => e instanceof RecordingError && e.message === `${other} is not a nettop recording: not written over`);
	assert.equal(readFileSync(other, 'utf8'), 'not mine');
});

test('a header without what a replay needs, or values nested past the stack: one line, no stack trace', () => {
	const h = (o: object) => encodeFrame({ type: 'H', flags: 0, rawLength: 0, seq: 0, wall: 0, fullBack: 0, indexBack: 0 }, Buffer.from(JSON.stringify(o)));
	const { host: _h, ...noHost } = HEADER;
	assert.throws(() => items(h(noHost)), { message: 'f.rec: its header at byte 0 has no host' });
	// An F block of 100,000 nested arrays ([[[...]]]), its checksum right.
	const deep = Buffer.concat([Buffer.from(Array.from({ length: 100_000 }, () => [10, 1]).flat()), Buffer.from([1])]);
	const data = Buffer.concat([h(HEADER), encodeFrame({ type: 'F', flags: 0, rawLength: deep.length, seq: 1, wall: 0, fullBack: 0, indexBack: 0 }, deep)]);
	assert.match(damage(items(data)).join('\n'), /^f\.rec: frame at byte \d+ \(seq 1\): Maximum call stack size exceeded: skipped to the next full block$/);
});

test('damage with no full block after it says the intervals it cost; a damaged header is said damaged, not foreign', () => {
	const data = readFileSync(record('tail-flip.rec', 1, 12));
	const frames: { start: number; end: number }[] = [];
	for (let at = 0; at < data.length; at = frameAt(data, at).end) frames.push(frameAt(data, at));
	const bad = Buffer.from(data);
	bad[frames[4]!.start + 50] = bad[frames[4]!.start + 50]! ^ 1;
	const list = items(bad);
	assert.equal(readings(list).length, 3);
	assert.equal(damage(list).at(-1), 'f.rec: the 8 intervals after the damage skipped (each needs the one before it): no full block after them, the replay ends there');
	const header = Buffer.from(data);
	header[20] = header[20]! ^ 1;
	assert.throws(() => items(header), /^RecordingError: f\.rec: its header is damaged \(frame at byte 0 \(seq 0\): checksum mismatch\): what it says \(host, time zone\) is needed to replay it$/);
});
