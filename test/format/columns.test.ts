// Columns on screens of every width: text shrinks first, decoration goes next, figures stay whole; wide screens widen text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cells, fitMiddle, layout, type Column } from '../../source/format/columns.js';

const COLUMNS: Column[] = [{ width: 7, right: true }, { width: 10, min: 5, max: 16, drop: 2 }, { width: 22, min: 13, max: 47, middle: true, drop: 1 }, { width: 22, min: 13, max: 47, middle: true }, { width: 7, right: true }];
const widths = (w: number) => layout(COLUMNS, w).map((c) => c.width);
const span = (ws: number[]) => ws.filter((x) => x > 0).reduce((a, b) => a + b + 1, -1);

test('80 columns: the widths as written', () => {
	assert.deepEqual(widths(72), [7, 10, 22, 22, 7]);
});

test('narrower: the widest text shrinks first, then decoration is dropped, figures never', () => {
	for (let w = 30; w < 72; w++) {
		const ws = widths(w);
		assert.ok(span(ws) <= w, `${w}: ${ws}`);
		assert.equal(ws[0], 7, `${w}: PID whole`);
		assert.equal(ws[4], 7, `${w}: the figure whole`);
		assert.ok(ws[3]! >= 13, `${w}: the remote end is never dropped`);
	}
	assert.deepEqual(widths(60), [7, 8, 17, 17, 7], 'shrunk, the widest first');
	assert.equal(widths(45)[2], 0, 'the local end (drop 1) goes before the name (drop 2)');
	assert.ok(widths(45)[1]! > 0);
	assert.deepEqual(widths(15), [7, 0, 0, 13, 7], 'too narrow for anything but the figures and one end: cut by the screen');
});

test('wider: text grows to its max, and the screen is filled', () => {
	assert.deepEqual(widths(140), [7, 16, 47, 47, 7]);
	assert.equal(span(widths(100)), 100);
});

test('cells: a left-out column leaves no gap; figures are not cut; addresses lose their middle, not their port', () => {
	const placed = layout(COLUMNS, 45);
	assert.equal(cells(placed, ['123', 'iperf3', '10.0.0.1:40000', '[fd00:88::abcd:ef01:2346]:5201', '977K']), '    123 iperf3   [fd00:8~1:2346]:5201    977K');
	assert.match(fitMiddle('[fd00:88::abcd:ef01:2346]:5201', 14, 6), /^\[fd\S*~\S*\]:5201$/);
	assert.equal(fitMiddle('short', 8), 'short   ');
	assert.equal(fitMiddle('abcdefghij', 5), 'ab~ij');
});
