// The UI on a recording (-R in a terminal): each interval shown as live showed it, t/T/r move, space plays, filters apply; the header says where.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import React from 'react';
import { render } from 'ink-testing-library';
import type { Reading, Sample } from '../../source/features/index.js';
import { NO_FILTER } from '../../source/model/filter.js';
import { jsonPieces } from '../../source/output/json.js';
import { buildSample, Pipeline } from '../../source/pipeline.js';
import { FORMAT, RecordingWriter } from '../../source/recording/file.js';
import { Recording } from '../../source/recording/recording.js';
import { App } from '../../source/ui/app.js';
import { UiStore } from '../../source/ui/store.js';
import { raw, retrans, tcp } from '../fixtures/records.js';
import { clock } from '../../source/format/time.js';
import { liveHistory } from '../../source/record.js';

const dir = mkdtempSync(path.join(tmpdir(), 'nettop-replay-ui-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const settle = () => new Promise((r) => setTimeout(r, 30));

const START = 1_700_000_000_000;
/** Reading k of a run: nginx's bytes grow by k each interval (so each interval's figure differs), a retransmit in odd ones. */
function reading(k: number): Reading {
	return raw(k * 1000, {
		tcp: { counters: [tcp(1000 * k * k, 0, { cookie: 1, pid: 11, comm: 'nginx', lport: 443 }), tcp(10 * k, 0, { cookie: 2, pid: 22, comm: 'sshd', lport: 22, rport: 50022 })], lost: 0 },
		retrans: { events: k % 2 ? [retrans({ pid: 11, comm: 'nginx', lport: 443 })] : [], lost: 0 },
	});
}

/** Two runs of nettop in one file: 5 readings, then 4 (a restart); returns the readings as recorded. */
function recorded(name: string): { file: string; runs: Reading[][] } {
	const file = path.join(dir, name);
	const runs = [Array.from({ length: 5 }, (_, k) => reading(k)), Array.from({ length: 4 }, (_, k) => reading(k + 10))];
	for (const run of runs) {
		const w = RecordingWriter.open(file, { format: FORMAT, nettop: '0.1.0', host: 'web1', kernel: '6.18', boot: START, started: START, interval_s: 1, netns: 0, modes: [], tz: 'UTC' });
		for (const r of run) w.add(r);
		w.close();
	}
	return { file, runs };
}

const line = (s: Sample | undefined) => (s ? Buffer.concat([...jsonPieces(s)]).toString() : 'none');

test('t, T and r step through the intervals, across runs but never between them; each shown as live built it', async () => {
	const { file, runs } = recorded('steps.rec');
	const rec = new Recording(readFileSync(file), file);
	// Each run's readings make intervals with the one before, not across the restart.
	const live = runs.flatMap((run) => run.slice(1).map((r, i) => line(buildSample(run[i]!, r))));
	assert.equal(rec.intervals.length, live.length);
	const store = new UiStore(new Pipeline(NO_FILTER, () => true), { intervalMs: 1000, filter: NO_FILTER, replay: rec });
	const ui = render(<App store={store} onQuit={() => undefined} color={false} unicode={false} currentNetns={0} size={{ width: 80, height: 24 }} />);
	await settle();
	const shown = () => line(store.getState().sample);
	assert.equal(shown(), live[0]);
	const at = (first: number) => `${clock(reading(first).wall)} of ${clock(reading(0).wall)}-${clock(reading(13).wall)}`;
	assert.ok(ui.lastFrame()!.includes(`${at(1)}`) && ui.lastFrame()!.includes('REPLAY web1'), ui.lastFrame()!);
	const path: [string, number][] = [['t', 1], ['t', 2], ['t', 3], ['t', 4], ['t', 5], ['t', 6], ['t', 6], ['T', 5], ['T', 4], ['T', 3], ['r', 0], ['T', 0]];
	for (const [key, want] of path) {
		ui.stdin.write(key);
		await settle();
		assert.equal(store.getState().replay!.at, want, key);
		assert.equal(shown(), live[want], `${key}: interval ${want} as live built it`);
	}
	ui.unmount();
});

test('space plays to the last interval and stops; a filter typed in a replay filters the recorded interval', async () => {
	const { file, runs } = recorded('play.rec');
	const rec = new Recording(readFileSync(file), file);
	const store = new UiStore(new Pipeline(NO_FILTER, () => true), { intervalMs: 1000, filter: NO_FILTER, replay: rec });
	const ui = render(<App store={store} onQuit={() => undefined} color={false} unicode={false} currentNetns={0} size={{ width: 80, height: 24 }} />);
	ui.stdin.write(' ');
	await settle();
	assert.equal(store.getState().replay!.playing, true);
	assert.match(ui.lastFrame()!, /PLAYING/);
	// The caller's timer steps while it plays (replay.ts): here, by hand.
	for (let i = 0; i < 10; i++) store.dispatch({ type: 'step', by: 1 });
	assert.deepEqual([store.getState().replay!.at, store.getState().replay!.playing], [6, false], 'stopped at the last');
	ui.stdin.write('P22\r');
	await settle();
	assert.equal(line(store.getState().sample), line(buildSample(runs[1]![2]!, runs[1]![3]!, { pids: new Set(), ports: new Set([22]) })));
	ui.stdin.write('T');
	await settle();
	assert.equal(line(store.getState().sample), line(buildSample(runs[1]![1]!, runs[1]![2]!, { pids: new Set(), ports: new Set([22]) })), 'the filter stays on the interval before');
	ui.unmount();
});

test('live, with its history: T pauses and shows the interval before; t and T step; W writes the history, which replays; space is live again', async () => {
	const cwd = process.cwd();
	process.chdir(dir);
	try {
		const { ring, history } = liveHistory(10, { version: '0.1.0', intervalMs: 1000, netns: 0, modes: [] });
		const store = new UiStore(new Pipeline(NO_FILTER, () => true), { intervalMs: 1000, filter: NO_FILTER, history });
		const ui = render(<App store={store} onQuit={() => undefined} color={false} unicode={false} currentNetns={0} size={{ width: 80, height: 24 }} />);
		const live = Array.from({ length: 8 }, (_, k) => reading(k));
		for (const r of live) {
			store.publish(r);
			ring.add(r);
		}
		await settle();
		assert.equal(line(store.getState().sample), line(buildSample(live[6]!, live[7]!)));
		ui.stdin.write('T');
		await settle();
		assert.deepEqual([store.getState().paused, store.getState().replay?.history, store.getState().replay?.at], [true, true, 5]);
		assert.equal(line(store.getState().sample), line(buildSample(live[5]!, live[6]!)), 'the interval before');
		assert.match(ui.lastFrame()!, /HISTORY/);
		ui.stdin.write('TT');
		await settle();
		assert.equal(line(store.getState().sample), line(buildSample(live[3]!, live[4]!)));
		// Live goes on meanwhile: readings come, the screen stays on the history.
		store.publish(reading(8));
		ring.add(reading(8));
		ui.stdin.write('t');
		await settle();
		assert.equal(line(store.getState().sample), line(buildSample(live[4]!, live[5]!)));
		ui.stdin.write('W');
		await settle();
		const note = store.getState().note ?? '';
		const file = /^wrote history \((\d+) intervals\): (\S+)$/.exec(note)?.[2];
		assert.ok(file, note);
		assert.match(note, /^wrote history \(8 intervals\)/, 'the intervals it holds: 9 readings');
		assert.match(ui.lastFrame()!, /wrote history \(8 intervals\)/);
		const rec = new Recording(readFileSync(path.join(dir, file)), file);
		assert.equal(rec.length, 9, 'every reading held, the one that came while looking back too');
		ui.stdin.write(' ');
		await settle();
		assert.deepEqual([store.getState().paused, store.getState().replay], [false, undefined], 'live again');
		store.publish(reading(9));
		await settle();
		assert.equal(line(store.getState().sample), line(buildSample(live[7]!, reading(9))), 'from the reading live held when T paused it, as after any pause');
		ui.unmount();
	} finally {
		process.chdir(cwd);
	}
});

test('b jumps to a time typed: the first interval that ends at or after it; a time that does not parse is said, the place kept', async () => {
	const { file, runs } = recorded('jump.rec');
	const rec = new Recording(readFileSync(file), file);
	const live = runs.flatMap((run) => run.slice(1).map((r, i) => line(buildSample(run[i]!, r))));
	const store = new UiStore(new Pipeline(NO_FILTER, () => true), { intervalMs: 1000, filter: NO_FILTER, replay: rec });
	const ui = render(<App store={store} onQuit={() => undefined} color={false} unicode={false} currentNetns={0} size={{ width: 80, height: 24 }} />);
	ui.stdin.write('b');
	await settle();
	assert.match(ui.lastFrame()!, /jump to \(HH:MM\[:SS\], -5m, \+10m; Enter go, Esc cancel\): _/);
	// Interval 5 closes the second run's reading 12 (readings 10-13 of the fixture): typed as its clock time.
	ui.stdin.write(`${clock(reading(12).wall)}\r`);
	await settle();
	assert.deepEqual([store.getState().replay!.at, line(store.getState().sample)], [5, live[5]]);
	ui.stdin.write('b-1s\r');
	await settle();
	assert.equal(store.getState().replay!.at, 5, '-1s: a second before the last reading (13), the interval ending at 12');
	ui.stdin.write('bnoon\r');
	await settle();
	assert.equal(store.getState().replay!.at, 5, 'kept');
	assert.match(ui.lastFrame()!, /b wants a time in the recording/);
	ui.stdin.write('r');
	await settle();
	assert.doesNotMatch(ui.lastFrame()!, /b wants/, 'the note goes with the next key');
	ui.unmount();
});

test('the ends and the joins are said: the last interval, the end of play, another run of nettop; the footer offers play', async () => {
	const { file } = recorded('ends.rec');
	const rec = new Recording(readFileSync(file), file);
	const store = new UiStore(new Pipeline(NO_FILTER, () => true), { intervalMs: 1000, filter: NO_FILTER, replay: rec });
	const ui = render(<App store={store} onQuit={() => undefined} color={false} unicode={false} currentNetns={0} size={{ width: 80, height: 24 }} />);
	await settle();
	assert.match(ui.lastFrame()!, /spc play/);
	ui.stdin.write('T');
	await settle();
	assert.equal(store.getState().note, 'the first interval of the recording');
	ui.stdin.write('tttt');
	await settle();
	assert.deepEqual([store.getState().replay!.at, store.getState().note], [4, 'another run of nettop (started here): not recorded between']);
	ui.stdin.write('ttt');
	await settle();
	assert.equal(store.getState().note, 'the last interval of the recording');
	ui.stdin.write('r ');
	await settle();
	for (let i = 0; i < 6; i++) store.dispatch({ type: 'step', by: 1 }); // as the player's timer does, to the last
	assert.equal(store.getState().note, 'the end of the recording');
	ui.unmount();
});

test('live: T with no history kept, or none yet, says so and leaves live running; t past the history\'s last takes in what live added since', async () => {
	const none = new UiStore(new Pipeline(NO_FILTER, () => true), { intervalMs: 1000, filter: NO_FILTER });
	none.dispatch({ type: 'step', by: -1 });
	assert.deepEqual([none.getState().paused, none.getState().note], [false, 'no history is kept: --history 0']);
	const { ring, history } = liveHistory(10, { version: '0.1.0', intervalMs: 1000, netns: 0, modes: [] });
	const store = new UiStore(new Pipeline(NO_FILTER, () => true), { intervalMs: 1000, filter: NO_FILTER, history });
	store.dispatch({ type: 'step', by: -1 });
	assert.deepEqual([store.getState().paused, store.getState().note], [false, 'no history yet']);
	for (let k = 0; k < 4; k++) {
		store.publish(reading(k));
		ring.add(reading(k));
	}
	store.dispatch({ type: 'step', by: -1 });
	store.dispatch({ type: 'step', by: 1 });
	assert.equal(store.getState().replay!.at, 2, 'the history\'s last interval');
	for (let k = 4; k < 6; k++) {
		store.publish(reading(k));
		ring.add(reading(k));
	}
	store.dispatch({ type: 'step', by: 1 });
	assert.deepEqual([store.getState().replay!.count, store.getState().time], [5, reading(4).wall], 'opened again: one interval on');
	assert.equal(line(store.getState().sample), line(buildSample(reading(3), reading(4))));
});
