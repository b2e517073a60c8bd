// CLI flag checking: good values pass, bad ones give one clear line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEATURE_KEYS } from '../source/features/index.js';
import { parseOptions, UsageError } from '../source/options.js';

test('defaults and valid values', () => {
	assert.deepEqual(parseOptions({}), { json: false, intervalMs: 1000, count: undefined, verbose: false, ms: false, filter: { pids: new Set(), ports: new Set(), family: undefined }, tab: 'nic', logFile: undefined });
	assert.deepEqual(['tcp', 'tcptop', '3', 'RETRANS'].map((tab) => parseOptions({ tab }).tab), ['tcp', 'tcp', 'rtt', 'retrans']);
	const o = parseOptions({ json: true, interval: '0.5', count: '3', pid: '12,345', port: '443', ipv6: true, ms: true });
	assert.deepEqual([o.json, o.intervalMs, o.count, o.ms], [true, 500, 3, true]);
	assert.deepEqual(o.filter, { pids: new Set([12, 345]), ports: new Set([443]), family: 6 });
	assert.equal(parseOptions({ ipv4: true }).filter.family, 4);
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
		[{ pid: 'x' }, /-p\/--pid.*"x"/],
		[{ pid: '12,,3' }, /-p\/--pid/],
		[{ pid: '0' }, /-p\/--pid/],
		[{ port: '70000' }, /-P\/--port.*1 to 65535/],
		[{ port: '80,abc' }, /-P\/--port/],
		[{ tab: 'disk' }, /-t\/--tab wants one of nic, tcp, rtt, retrans/],
		[{ tab: String(FEATURE_KEYS.length + 1) }, /-t\/--tab/],
		[{ tab: '0' }, /-t\/--tab/],
	];
	for (const [flags, message] of bad) {
		assert.throws(() => parseOptions(flags), (e: unknown) => e instanceof UsageError && message.test(e.message), JSON.stringify(flags));
	}
	assert.throws(() => parseOptions({}, ['eth0']), /unexpected argument "eth0"/);
	assert.throws(() => parseOptions({ ipv4: true, ipv6: true }), /-4 and -6/);
	assert.throws(() => parseOptions({}, [], ['json', 'bogus']), /^UsageError: unknown option --bogus/);
	assert.throws(() => parseOptions({}, [], ['x']), /unknown option -x /);
	assert.doesNotThrow(() => parseOptions({ interval: '2' }, [], ['i', 'interval', 'json', 'n', 'count', 'verbose']));
});
