// The CLI itself: bad flags give one line on stderr and exit 2; --help and --version work.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runNettop } from './helpers/nettop.js';

test('bad flags: one line, exit 2, no stack trace', async () => {
	for (const args of [['-i', '0'], ['-i', 'abc'], ['-i', '-1'], ['-n', 'x'], ['-p', 'x'], ['-p', '1,,2'], ['-P', '70000'], ['-P', '0'], ['-t', 'disk'], ['-4', '-6'], ['--bogus'], ['-x'], ['extra'], ['--log', ''], ['-n', '1', '-n', '2'], ['-i', '1', '--interval', '2'], ['-t', 'nic', '-t', 'tcp'], ['--log', 'a', '--log', 'b'], ['-i', '0x10'], ['-i', '1e1']]) {
		const r = await runNettop(args);
		assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
		assert.equal(r.stdout, '');
		assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
		assert.match(r.stderr, /^nettop: [^\n]+\n$/, 'exactly one line');
	}
});

test('a flag given twice is one line too, naming it', async () => {
	const r = await runNettop(['-n', '1', '-n', '2']);
	assert.equal(r.stderr, 'nettop: -n/--count was given more than once: give it once\n');
});

test('a flag for another output than the one chosen is refused: one line, exit 2', async () => {
	for (const [args, message] of [
		[['--cost'], "--cost goes with --json: it adds nettop's own cost to each JSON line"],
		[['-t', 'drops', '--json'], "-t/--tab goes with the UI, not with --json or --prometheus: it picks the first tab; each JSON line and scrape has every tab's figures"],
		[['--web.config.file', 'web.yml'], '--web.config.file goes with --prometheus: it configures its listener'],
	] as const) {
		const r = await runNettop([...args, '-n', '1']);
		assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', `nettop: ${message}\n`], args.join(' '));
	}
});

test('--version and --help', async () => {
	const v = await runNettop(['--version']);
	assert.equal(v.code, 0);
	assert.match(v.stdout, /^\d+\.\d+\.\d+/);
	for (const args of [['--help'], ['-h'], ['-h', '-n', '1']]) {
		const h = await runNettop(args);
		assert.equal(h.code, 0, args.join(' '));
		assert.match(h.stdout, /--json/);
		assert.match(h.stdout, /--interval/);
	}
});

test('--help fits an 80-column terminal', async () => {
	const { code, stdout } = await runNettop(['--help']);
	assert.equal(code, 0);
	const wide = stdout.split('\n').filter((l) => l.length > 80);
	assert.deepEqual(wide, []);
});
