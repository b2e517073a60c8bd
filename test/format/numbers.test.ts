// Human-readable numbers and column helpers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fit, human, padLeft } from '../../source/format/numbers.js';

test('human: bytes in powers of 1024, counts in 1000, at most 5 characters', () => {
	const cases: [number, number, string][] = [
		[0, 1024, '0'],
		[999, 1024, '999'],
		[1000, 1024, '1.0K'],
		[1536, 1024, '1.5K'],
		[10 * 1024 * 1024, 1024, '10.0M'],
		[123 * 1024 ** 3, 1024, '123G'],
		[1500, 1000, '1.5K'],
		[-1, 1024, '-'],
		[Number.NaN, 1024, '-'],
	];
	for (const [n, base, want] of cases) assert.equal(human(n, base), want, `${n}`);
	for (let n = 1; n < 1e15; n *= 3.7) assert.ok(human(n).length <= 5, `${n} -> ${human(n)}`);
});

test('padLeft and fit', () => {
	assert.equal(padLeft('12', 5), '   12');
	assert.equal(padLeft('123456', 5), '123456');
	assert.equal(fit('eth0', 6), 'eth0  ');
	assert.equal(fit('averylongname', 6), 'avery~');
});
