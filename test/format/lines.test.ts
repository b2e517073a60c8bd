// A list's last line: which rows show and what the keys do there, the filters that would narrow it, a selected row that left.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aboveHint, byWidth, leftOutLines, line, plainText, scrolled, truncate } from '../../source/format/lines.js';

const rows = (n: number) => Array.from({ length: n }, (_, i) => line(`row ${i}`));
const none = line('none');
const filter = (pids: number[], ports: number[]) => ({ pids: new Set(pids), ports: new Set(ports) });
const tail = (lines: ReturnType<typeof scrolled>) => plainText(lines.at(-1)!);

test('a list with none selected: how many more, that PgDn pages them, and only the filters not set yet', () => {
	const at = (f?: ReturnType<typeof filter>) => tail(scrolled(10, 5, (i) => rows(10)[i]!, none, { what: 'events', filter: f }));
	assert.equal(at(), '... 6 more events (PgDn pages them; p, P narrow)');
	assert.equal(at(filter([], [443])), '... 6 more events (PgDn pages them; p narrows)', 'a port filter set: P is not suggested');
	assert.equal(at(filter([7], [])), '... 6 more events (PgDn pages them; P narrows)');
	assert.equal(at(filter([7], [443])), '... 6 more events (PgDn pages them)');
});

test('a list with a row selected: which rows show, the keys that move, and what Enter opens where it opens something', () => {
	assert.equal(tail(scrolled(10, 5, (i) => rows(10)[i]!, none, { what: 'events', cursor: { at: 5 }, enter: 'its process' })), 'events 5-8 of 10 (Up/Down, PgUp/PgDn; Enter: its process)');
	assert.equal(tail(scrolled(10, 5, (i) => rows(10)[i]!, none, { what: 'rows', cursor: { at: 5 } })), 'rows 5-8 of 10 (Up/Down, PgUp/PgDn)', 'no Enter where rows have no process');
});

test('a selected row that left the list is said in the list, on the page where it was, with nothing shown selected', () => {
	const lines = scrolled(10, 5, (i) => rows(10)[i]!, none, { what: 'events', cursor: { at: 5, gone: 'process 22 curl' } });
	assert.deepEqual(lines.map(plainText), ['row 4', 'row 5', 'row 6', 'row 7', 'process 22 curl has left the list; Up/Down select another']);
	assert.ok(lines.every((l) => l.every((s) => !s.inverse)));
	assert.equal(plainText(scrolled(2, 5, (i) => rows(2)[i]!, none, { what: 'events', cursor: { at: 1, gone: 'x' } }).at(-1)!), 'x has left the list; Up/Down select another', 'also when every row fits');
});

test('a list above the one the keys move says which list PgDn pages, and the filters not set that narrow it', () => {
	assert.equal(plainText(truncate(rows(9), 3, 'flows', aboveHint(undefined, 'events')).at(-1)!), '... 7 more flows (p, P narrow; PgDn pages the events below)');
	assert.equal(plainText(truncate(rows(9), 3, 'flows', aboveHint(filter([], [80]), 'events')).at(-1)!), '... 7 more flows (p narrows; PgDn pages the events below)');
	assert.equal(plainText(truncate(rows(9), 3, 'reasons', aboveHint(undefined, 'drops', false)).at(-1)!), '... 7 more reasons (PgDn pages the drops below)', 'the kernel\'s counts: no filter narrows them');
});

test('a line\'s form goes by the width with its figures at their widest, not by the figures of the moment', () => {
	const form = byWidth(15, [99999], [(n: number) => `a long form ${n}`, (n: number) => `short ${n}`]);
	assert.equal(form(5), 'short 5', '"a long form 5" would fit, "a long form 99999" would not');
	assert.equal(byWidth(17, [99999], [(n: number) => `a long form ${n}`, (n: number) => `short ${n}`])(5), 'a long form 5');
	assert.equal(plainText(truncate(rows(9), 3, 'endpoints', aboveHint(undefined, 'events'), 60).at(-1)!), '... 7 more endpoints (p, P narrow; PgDn pages below)');
	assert.equal(plainText(scrolled(10, 5, (i) => rows(10)[i]!, none, { what: 'connections', cursor: { at: 5 }, enter: 'its process', width: 60 }).at(-1)!), 'connections 5-8 of 10 (PgUp/PgDn, Enter)');
	assert.deepEqual(leftOutLines(7, 5, 60).map(plainText), ['12 events not listed (7 sampled out, 5 ring full)'], 'the short form at 60, though the long one fits these figures');
	assert.deepEqual(leftOutLines(7, 5, 80).map(plainText), ['12 events not listed (7 sampled out, 5 ring full); counted above']);
});

test('a list with no room for a row below a table: the table\'s hint does not promise PgDn', () => {
	assert.equal(plainText(truncate(rows(9), 3, 'flows', aboveHint(undefined, undefined)).at(-1)!), '... 7 more flows (p, P narrow)');
	assert.equal(plainText(truncate(rows(9), 3, 'reasons', aboveHint(undefined, undefined, false)).at(-1)!), '... 7 more reasons');
});

test('a row that left the last page: a full page above the line saying so, which wraps on a narrow screen', () => {
	const lines = scrolled(9, 6, (i) => rows(9)[i]!, none, { what: 'events', cursor: { at: 9, gone: 'process 22 curl' }, width: 30 });
	assert.deepEqual(lines.map(plainText), ['row 5', 'row 6', 'row 7', 'row 8', 'process 22 curl has left the', 'list; Up/Down select another']);
});
