// Byte decoding helpers: u64 to number, C strings, printable names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cstring, printable, u64 } from '../../source/kernel/decode.js';

test('u64 becomes an exact number below 2^53', () => {
	const b = Buffer.from(new BigUint64Array([0n, 1n, 2n ** 32n + 7n, 2n ** 53n - 1n]).buffer);
	assert.deepEqual([0, 8, 16, 24].map((o) => u64(b, o)), [0, 1, 2 ** 32 + 7, 2 ** 53 - 1]);
});

test('control characters never survive: C0, DEL and C1 become ?', () => {
	assert.equal(printable('a\x1b]0;pwned\x07b'), 'a?]0;pwned?b');
	assert.equal(printable('x\x7fy\u009bz'), 'x?y?z');
	assert.equal(printable('plain-name_1.2'), 'plain-name_1.2');
	assert.equal(cstring(Buffer.from('ab\x1bc\0junk'), 0, 16), 'ab?c');
	// C1 controls come as 0xC2 0x80-0x9F in UTF-8; other bytes above 0x7F are kept; a name as long as the field has no NUL.
	assert.deepEqual([cstring(Buffer.from('x\u0085y\u009bz\0', 'utf8'), 0, 16), cstring(Buffer.from('caf\u00e9 \u00a0\0', 'utf8'), 0, 16), cstring(Buffer.from('0123456789abcdefXYZ'), 0, 16), cstring(Buffer.from('\x7fab'), 1, 16)], ['x?y?z', 'caf\u00e9 \u00a0', '0123456789abcdef', 'ab']);
});
