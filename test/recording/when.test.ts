// Times in a recording as typed (--begin, --end): parsed, refused in one line, and resolved against the recording's span.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { UsageError } from '../../source/model/filter.js';
import { FORMAT, RecordingWriter } from '../../source/recording/file.js';
import { parseWhen, resolveWhen } from '../../source/recording/when.js';
import { replayToStdout } from '../../source/replay.js';
import { NO_FILTER } from '../../source/model/filter.js';
import { raw, tcp } from '../fixtures/records.js';

process.env.TZ = 'UTC';
const dir = mkdtempSync(path.join(tmpdir(), 'nettop-when-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const at = (iso: string) => new Date(iso).getTime();

test('times as typed: clock, date and clock, before the end, after the start; anything else one line', () => {
	assert.deepEqual(parseWhen('14:03', '--begin'), { kind: 'clock', h: 14, m: 3, s: 0, seconds: false });
	assert.deepEqual(parseWhen(' 4:03:27 ', '--begin'), { kind: 'clock', h: 4, m: 3, s: 27, seconds: true });
	assert.deepEqual(parseWhen('2026-12-07 14:03', '--end'), { kind: 'date', date: '2026-12-07', h: 14, m: 3, s: 0 });
	assert.deepEqual(parseWhen('-5m', '--end'), { kind: 'offset', from: 'end', ms: 300_000 });
	assert.deepEqual(parseWhen('+2h', '--end'), { kind: 'offset', from: 'start', ms: 7_200_000 });
	for (const bad of ['', '25:00', '14:60', '14', 'noon', '-5', '5m', '2026-13-45 10:00', '14:03:99']) {
		assert.throws(() => parseWhen(bad, '--begin'), (e: unknown) => e instanceof UsageError && e.message === `--begin wants a time in the recording: HH:MM[:SS], YYYY-MM-DD HH:MM[:SS], -5m before its end or +10m after its start; got "${bad}"`, bad);
	}
});

test('a clock time is the first such instant from the recording\'s first second: past midnight, the next day', () => {
	const [first, last] = [at('2026-12-07T22:00:00.400Z'), at('2026-12-08T02:00:00Z')];
	assert.equal(resolveWhen(parseWhen('23:30', 'x'), first, last), at('2026-12-07T23:30:00Z'));
	assert.equal(resolveWhen(parseWhen('01:15', 'x'), first, last), at('2026-12-08T01:15:00Z'));
	assert.equal(resolveWhen(parseWhen('22:00', 'x'), first, last), at('2026-12-07T22:00:00Z'), 'the first second itself, though the reading came 400 ms into it');
	assert.equal(resolveWhen(parseWhen('22:00', 'x'), at('2026-12-07T22:00:10Z'), last), at('2026-12-07T22:00:00Z'), 'a minute typed holds a start 10 s into it');
	assert.equal(resolveWhen(parseWhen('22:00:05', 'x'), at('2026-12-07T22:00:10Z'), last), at('2026-12-08T22:00:05Z'), 'a second typed before the start: the next day');
	assert.equal(resolveWhen(parseWhen('-5m', 'x'), first, last), at('2026-12-08T01:55:00Z'));
	assert.equal(resolveWhen(parseWhen('+10m', 'x'), first, last), at('2026-12-07T22:10:00.400Z'));
	assert.equal(resolveWhen(parseWhen('2026-12-08 00:00', 'x'), first, last), at('2026-12-08T00:00:00Z'));
});

test('--begin and --end: the lines of the intervals that end within them, in the recording\'s time zone', async () => {
	const file = path.join(dir, 'span.rec');
	const start = at('2026-12-07T13:59:58Z');
	const w = RecordingWriter.open(file, { format: FORMAT, nettop: '0.1.0', host: 'h', kernel: 'k', boot: 0, started: start, interval_s: 1, netns: 0, modes: [], tz: 'UTC' });
	for (let k = 0; k < 10; k++) w.add({ ...raw(k * 1000, { tcp: { counters: [tcp(k * 100, 0)], lost: 0 } }), wall: start + k * 1000 });
	w.close();
	const times = async (begin?: string, end?: string) => {
		let text = '';
		await replayToStdout({ file, json: true, cost: false, count: undefined, filter: NO_FILTER, ...(begin ? { begin: parseWhen(begin, '--begin') } : {}), ...(end ? { end: parseWhen(end, '--end') } : {}) }, { write: async (t) => void (text += typeof t === 'string' ? t : Buffer.from(t).toString()), warn: () => undefined, stopped: () => false });
		return text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { time: string }).time.slice(11, 19));
	};
	assert.deepEqual(await times(), ['13:59:59', '14:00:00', '14:00:01', '14:00:02', '14:00:03', '14:00:04', '14:00:05', '14:00:06', '14:00:07']);
	assert.deepEqual(await times('14:00:02', '14:00:04'), ['14:00:02', '14:00:03', '14:00:04']);
	assert.deepEqual(await times('-2s'), ['14:00:05', '14:00:06', '14:00:07']);
	assert.deepEqual(await times(undefined, '+3s'), ['13:59:59', '14:00:00', '14:00:01']);
	await assert.rejects(times('14:00:05', '14:00:01'), { message: '--begin 2026-12-07 14:00:05 is after --end 2026-12-07 14:00:01' });
	assert.deepEqual(await times('14:00'), ['14:00:00', '14:00:01', '14:00:02', '14:00:03', '14:00:04', '14:00:05', '14:00:06', '14:00:07']);
	let warned = '';
	await replayToStdout({ file, json: true, cost: false, count: undefined, filter: NO_FILTER, begin: parseWhen('+1h', '--begin') }, { write: async () => undefined, warn: (l) => (warned = l), stopped: () => false });
	assert.equal(warned, 'no recorded interval ends between 2026-12-07 14:59:58 and its end: the recording runs from 2026-12-07 13:59:58 to 2026-12-07 14:00:07');
});
