// CLI flag checking: good values pass, bad ones give one clear line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOptions, UsageError } from '../source/options.js';

test('defaults and valid values', () => {
	assert.deepEqual(parseOptions({}), { json: false, intervalMs: 1000, count: undefined, verbose: false });
	assert.deepEqual(parseOptions({ json: true, interval: '0.5', count: '3' }), { json: true, intervalMs: 500, count: 3, verbose: false });
});

test('bad values are UsageErrors naming the flag', () => {
	const bad: [Record<string, string>, RegExp][] = [
		[{ interval: '0' }, /-i\/--interval/],
		[{ interval: 'abc' }, /-i\/--interval.*"abc"/],
		[{ interval: '-1' }, /-i\/--interval/],
		[{ interval: '' }, /-i\/--interval/],
		[{ interval: 'Infinity' }, /-i\/--interval/],
		[{ count: '0' }, /-n\/--count/],
		[{ count: '1.5' }, /-n\/--count/],
		[{ count: 'x' }, /-n\/--count/],
	];
	for (const [flags, message] of bad) {
		assert.throws(() => parseOptions(flags), (e: unknown) => e instanceof UsageError && message.test(e.message), JSON.stringify(flags));
	}
	assert.throws(() => parseOptions({}, ['eth0']), /unexpected argument "eth0"/);
	assert.throws(() => parseOptions({}, [], ['json', 'bogus']), /^UsageError: unknown option --bogus/);
	assert.throws(() => parseOptions({}, [], ['x']), /unknown option -x /);
	assert.doesNotThrow(() => parseOptions({ interval: '2' }, [], ['i', 'interval', 'json', 'n', 'count', 'verbose']));
});
