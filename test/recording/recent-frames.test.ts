// R frames: the recent lists before a full block, so a jump decodes from its full block and no further back; files without them decoded whole.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Reading } from '../../source/features/index.js';
import type { RetransEvent } from '../../source/features/retrans/model.js';
import { nextRecent } from '../../source/features/retrans/model.js';
import { FORMAT, FULL_EVERY, RecordingWriter, scanRecording, type RecordingHeader } from '../../source/recording/file.js';
import { Recording } from '../../source/recording/recording.js';
import { HistoryRing } from '../../source/recording/ring.js';
import { raw, retrans } from '../fixtures/records.js';

const dir = mkdtempSync(path.join(tmpdir(), 'nettop-recent-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const HEADER: RecordingHeader = { format: FORMAT, nettop: '0.1.0', host: 'web1', kernel: '6.18', boot: 0, started: 0, interval_s: 1, netns: 0, modes: [], tz: 'UTC', recent_frames: true };
const N = 3 * FULL_EVERY + 20;

/** N readings with a retransmit every 7th interval, the recent list grown as the collector grows it (a new list only when events come). */
function readings(): { list: Reading[]; recent: (readonly RetransEvent[])[] } {
	let recent: readonly RetransEvent[] = [];
	const list: Reading[] = [];
	const kept: (readonly RetransEvent[])[] = [];
	for (let k = 0; k < N; k++) {
		const events = k % 7 === 3 ? [retrans({ time: k * 1000, lport: 1000 + k })] : [];
		if (events.length > 0) recent = nextRecent(recent, events);
		// As the collector gives it (the fixture's retransSnap would make a new list each read).
		list.push({ ...raw(k * 1000), retrans: { events, recent, lost: 0 } } as Reading);
		kept.push(recent);
	}
	return { list, recent: kept };
}

function write(name: string, header: RecordingHeader): Buffer {
	const file = path.join(dir, name);
	const w = RecordingWriter.open(file, header);
	for (const r of readings().list) w.add(r);
	w.close();
	return readFileSync(file);
}

const recentAt = (rec: Recording, k: number) => (rec.reading(k) as unknown as { retrans: { recent: readonly RetransEvent[] } }).retrans.recent;

test('a jump anywhere gives the recent list live had there, from the R frame before its full block', () => {
	const data = write('r.rec', HEADER);
	const frames = [...scanRecording(data, 'r.rec')].flatMap((i) => (i.kind === 'frame' ? [i.frame.type] : []));
	assert.deepEqual(frames.filter((t) => t === 'F').length, 4);
	assert.deepEqual(frames.filter((t) => t === 'R').length, 3, 'before each full block but the first: the lists had changed each time');
	assert.equal(frames[FULL_EVERY], 'R', 'the R comes before its F');
	const { recent } = readings();
	const rec = new Recording(data, 'r.rec');
	assert.deepEqual(rec.damage, []);
	// Jumps in no order, and steps.
	for (const k of [N - 1, FULL_EVERY, 2 * FULL_EVERY + 5, 7, FULL_EVERY - 1, 3 * FULL_EVERY, 3 * FULL_EVERY + 1]) assert.deepEqual(recentAt(rec, k), recent[k], `reading ${k}`);
});

test('damage in a file with R frames: said at open, the deltas after it up to the next full block left out, the rest replays', () => {
	const data = Buffer.from(write('bad.rec', HEADER));
	const blocks = [...scanRecording(data, 'bad.rec')].flatMap((i) => (i.kind === 'frame' && i.frame.type !== 'R' ? [i.frame] : []));
	const hit = blocks[FULL_EVERY + 10]!;
	data[hit.start + 50] = data[hit.start + 50]! ^ 0xff;
	const rec = new Recording(data, 'bad.rec');
	assert.equal(rec.damage.length, 2, rec.damage.join('\n'));
	assert.match(rec.damage[0]!, /bytes \d+-\d+ skipped, after seq \d+ .*checksum mismatch/);
	assert.match(rec.damage[1]!, /49 intervals after the damage skipped \(each needs the one before it\): replay goes on at seq/);
	assert.equal(rec.length, N - 50);
	const { recent } = readings();
	assert.deepEqual(recentAt(rec, rec.length - 1), recent[N - 1]);
});

test('a file without R frames (written before them) is decoded whole at open, and jumps give the same lists', () => {
	const { recent_frames: _, ...old } = HEADER;
	const data = write('old.rec', old);
	const { recent } = readings();
	const rec = new Recording(data, 'old.rec');
	for (const k of [N - 1, FULL_EVERY, 2 * FULL_EVERY + 5]) assert.deepEqual(recentAt(rec, k), recent[k], `reading ${k}`);
});

test('the history writes R frames too: its minutes replay with their lists', () => {
	const ring = new HistoryRing(3_600_000);
	for (const r of readings().list) ring.add(r);
	const rec = new Recording(ring.recording(HEADER), 'history');
	const { recent } = readings();
	for (const k of [N - 1, FULL_EVERY + 3, 0]) assert.deepEqual(recentAt(rec, k), recent[k], `reading ${k}`);
});
