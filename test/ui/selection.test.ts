// The selection follows its row, as htop's follows a process: rows re-sorting between intervals, a new sort, new events above it; a row that leaves the list is said.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chrome, screenText } from '../../source/ui/frame-lines.js';
import type { Action, UiState } from '../../source/ui/state.js';
import { raw, retrans, tcp } from '../fixtures/records.js';
import { TestStore } from '../helpers/ui.js';

const NGINX = { cookie: 1, pid: 11, comm: 'nginx', lport: 443 };
const CURL = { cookie: 2, pid: 22, comm: 'curl', rport: 8080 };
const down: Action = { type: 'key', input: '', key: { downArrow: true } };
const enter: Action = { type: 'key', input: '\r', key: { return: true } };

/** Cumulative bytes of nginx and curl at each reading (undefined: no traffic, so not listed). */
function traffic(ui: TestStore, mono: number, nginx: number, curl: number | undefined): UiState {
	const counters = [tcp(nginx, 0, NGINX), ...(curl === undefined ? [] : [tcp(curl, 0, CURL)])];
	return ui.read(raw(mono, { tcp: { counters, lost: 0 } }));
}

/** The screen's rows without styles, and the one shown selected. */
function screen(state: UiState): { text: string; selected: string[] } {
	const raw = screenText({ state, width: 80, height: 23, color: false, unicode: false, currentNetns: 0 }).split('\n');
	// The tab bar shows its current tab inverse too: the body's rows only (below the header, summary and tab bar; above the footer).
	const around = chrome({ state, width: 80, height: 23 });
	const body = raw.slice(around.header.length + around.summary.length + 1, -around.footer.length);
	const plain = (l: string) => l.replace(/\x1b\[[0-9;]*m/g, '');
	return { text: raw.map(plain).join('\n'), selected: body.filter((l) => /\x1b\[[0-9;]*7m/.test(l)).map(plain) };
}

test('Traffic: the selected process stays selected as two processes swap places, and Enter opens it, not the row it was on', () => {
	const ui = new TestStore({ tab: 'tcp' });
	traffic(ui, 0, 0, 0);
	traffic(ui, 1000, 2000, 1000);
	let s = ui.act(down, down);
	assert.equal(s.cursor.tcp?.at, 1, 'curl, the second row');
	assert.match(screen(s).selected.join(''), /22 curl/);
	s = traffic(ui, 2000, 3000, 3000);
	assert.equal(s.cursor.tcp?.at, 0, 'curl moved up: the selection with it');
	assert.match(screen(s).selected.join(''), /22 curl/);
	assert.deepEqual(ui.act(enter).drill?.owner, { pid: 22, comm: 'curl' }, 'Enter: the selected process');
});

test('a new sort keeps the selected process selected', () => {
	const ui = new TestStore({ tab: 'tcp' });
	ui.read(raw(0, { tcp: { counters: [tcp(0, 0, NGINX), tcp(0, 0, CURL)], lost: 0 } }), raw(1000, { tcp: { counters: [tcp(2000, 0, NGINX), tcp(0, 1000, CURL)], lost: 0 } }));
	ui.act(down);
	const s = ui.act({ type: 'sort' }, { type: 'sort' });
	assert.equal(s.cursor.tcp?.at, 1, 'by bytes received nginx is second');
	assert.match(screen(s).selected.join(''), /11 nginx/);
});

test('a process that leaves the list is said, nothing shows selected, Enter opens nothing; it is selected again when it comes back', () => {
	const ui = new TestStore({ tab: 'tcp' });
	traffic(ui, 0, 0, 0);
	traffic(ui, 1000, 2000, 1000);
	ui.act(down, down);
	let s = traffic(ui, 2000, 3000, undefined);
	assert.equal(s.cursor.tcp?.gone, 'process 22 curl');
	const { text, selected } = screen(s);
	assert.match(text, /\nprocess 22 curl has left the list; Up\/Down select another\n/);
	assert.deepEqual(selected, [], 'no row shows selected: not nginx, which is not what was selected');
	assert.equal(ui.act(enter).drill, undefined);
	s = traffic(ui, 3000, 4000, 9000);
	assert.equal(s.cursor.tcp?.gone, undefined);
	assert.equal(s.cursor.tcp?.at, 0);
	assert.match(screen(s).selected.join(''), /22 curl/);
});

test('Retransmits: the selected event stays selected as newer events push it down the list', () => {
	const first = Array.from({ length: 3 }, (_, k) => retrans({ pid: 100 + k, comm: `old${k}`, time: 1_700_000_000_000 + k }));
	const ui = new TestStore({ tab: 'retrans' });
	ui.read(raw(0), raw(1000, { retrans: { events: first, lost: 0 } }));
	let s = ui.act(down, down);
	assert.equal(s.cursor.retrans?.at, 1, 'the second newest');
	assert.match(screen(s).selected.join(''), /101 old1/);
	const recent = [...first].reverse();
	const more = Array.from({ length: 4 }, (_, k) => retrans({ pid: 200 + k, comm: `new${k}`, time: 1_700_000_001_000 + k }));
	s = ui.read(raw(2000, { retrans: { events: more, lost: 0, recent } }));
	assert.equal(s.cursor.retrans?.at, 5, 'four newer events above it');
	assert.match(screen(s).selected.join(''), /101 old1/);
	assert.deepEqual(ui.act(enter).drill?.owner, { pid: 101, comm: 'old1' });
});

test('a process that leaves from the last page: a full page still shows, the one it was on moved up to the list\'s end, with the line saying it left', () => {
	const ui = new TestStore({ tab: 'tcp' });
	// 34 processes, the last by bytes the smallest: p33, alone on the last page.
	const procs = (mono: number, without?: number) => raw(mono, { tcp: { counters: Array.from({ length: 34 }, (_, k) => tcp(mono * (34 - k), 0, { cookie: k + 1, pid: 100 + k, comm: `p${k}` })).filter((c) => c.pid !== without), lost: 0 } });
	ui.read(procs(0), procs(1000));
	ui.act({ type: 'resize', width: 80, height: chrome({ state: ui.getState(), width: 80, height: 23 }).height }, { type: 'key', input: '', key: { end: true } });
	assert.match(screen(ui.getState()).selected.join(''), /133 p33/);
	const s = ui.read(procs(2000, 133));
	const around = chrome({ state: s, width: 80, height: 23 });
	const body = screen(s).text.split('\n').slice(around.header.length + around.summary.length + 1, -around.footer.length);
	assert.equal(body.at(-1), 'process 133 p33 has left the list; Up/Down select another');
	const rows = body.slice(1, -1);
	assert.equal(rows.length, around.height - 2, 'a full page between the column header and that line');
	assert.deepEqual(rows.filter((l) => !/^ +1\d\d p\d+ /.test(l)), [], `every line a process, none blank:\n${body.join('\n')}`);
	assert.match(rows.at(-1)!, /^ +132 p32 /, 'down to the last process');
});
