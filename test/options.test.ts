// CLI flag checking: good values pass, bad ones give one clear line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_FEATURES, FEATURE_KEYS } from '../source/features/index.js';
import { FLAGS, parseOptions, UsageError } from '../source/options.js';

test('defaults and valid values', () => {
	assert.deepEqual(parseOptions({}), { json: false, cost: false, intervalMs: 1000, count: undefined, verbose: false, filter: { pids: new Set(), ports: new Set(), family: undefined }, tab: 'nic', logFile: undefined, historyMinutes: 10, settings: { ms: false, direction: undefined, connEvents: 5000, latency: false, latencySample: 64 } });
	assert.deepEqual(['tcp', 'tcptop', '3', 'RETRANS'].map((tab) => parseOptions({ tab }).tab), ['tcp', 'tcp', 'rtt', 'retrans']);
	const o = parseOptions({ json: true, interval: '0.5', count: '3', pid: '12,345', port: '443', ipv6: true, ms: true });
	assert.deepEqual([o.json, o.intervalMs, o.count, o.settings.ms], [true, 500, 3, true], 'a feature\'s flag (rtt\'s --ms) among the settings');
	assert.deepEqual(o.filter, { pids: new Set([12, 345]), ports: new Set([443]), family: 6 });
	assert.equal(parseOptions({ ipv4: true }).filter.family, 4);
	const repeated = parseOptions({ pid: ['1', '2,3'], port: ['80'] }).filter;
	assert.deepEqual([[...repeated.pids], [...repeated.ports]], [[1, 2, 3], [80]], '-p and -P are repeatable, as meow gives them (arrays)');
	assert.deepEqual(parseOptions({ pid: [], port: [] }).filter.pids, new Set(), 'absent: empty arrays');
	assert.equal(parseOptions({ interval: '.5' }).intervalMs, 500);
	assert.equal(parseOptions({ loopback: false }).filter.noLoopback, true, '--no-loopback');
	assert.equal(parseOptions({}).filter.noLoopback, undefined);
});

test('bad values are UsageErrors naming the flag', () => {
	const bad: [Record<string, string>, RegExp][] = [
		[{ interval: '0' }, /-i\/--interval/],
		[{ interval: 'abc' }, /-i\/--interval.*"abc"/],
		[{ interval: '-1' }, /-i\/--interval/],
		[{ interval: '' }, /-i\/--interval/],
		[{ interval: 'Infinity' }, /-i\/--interval/],
		[{ interval: '0x10' }, /-i\/--interval/],
		[{ interval: '1e1' }, /-i\/--interval/],
		[{ count: '0' }, /-n\/--count/],
		[{ count: '1.5' }, /-n\/--count/],
		[{ count: 'x' }, /-n\/--count/],
		[{ pid: 'x' }, /-p\/--pid.*"x"/],
		[{ pid: '12,,3' }, /-p\/--pid/],
		[{ pid: '0' }, /-p\/--pid/],
		[{ port: '70000' }, /-P\/--port.*1 to 65535/],
		[{ port: '80,abc' }, /-P\/--port/],
		[{ tab: 'disk' }, /-t\/--tab wants one of nic\|tcp\|rtt\|retrans\|conns\|drops\|latency\|1-7/],
		[{ latencySample: '0' }, /--latency-sample/],
		[{ latencySample: 'many' }, /--latency-sample/],
		[{ latencySample: '2,4' }, /--latency-sample wants one whole number/],
		[{ tab: String(FEATURE_KEYS.length + 1) }, /-t\/--tab/],
		[{ direction: 'sideways' }, /-r\/--direction wants connect or accept; got "sideways"/],
		[{ connEvents: '1.5' }, /--conn-events wants a whole number/],
		[{ connEvents: '-1' }, /--conn-events wants a whole number/],
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

test('--latency-sample names what it takes: one number, not a list', () => {
	for (const latencySample of ['0', '2,4', 'x', String(2 ** 20 + 1)]) {
		assert.throws(() => parseOptions({ latencySample }), { message: `--latency-sample wants one whole number from 1 to ${2 ** 20} (1 packet in N); got "${latencySample}"` });
	}
});

test('a flag that means something for one output only is refused for another, in one line of the same form', () => {
	const refused: [Record<string, string | boolean>, string][] = [
		[{ cost: true }, "--cost goes with --json: it adds nettop's own cost to each JSON line"],
		[{ cost: true, prometheus: ':9977' }, "--cost goes with --json: it adds nettop's own cost to each JSON line"],
		[{ webConfigFile: 'web.yml' }, '--web.config.file goes with --prometheus: it configures its listener'],
		[{ webConfigFile: 'web.yml', json: true }, '--web.config.file goes with --prometheus: it configures its listener'],
		[{ prometheusPid: true }, '--prometheus-pid goes with --prometheus: it labels its per-process series'],
		[{ tab: 'drops', json: true }, "-t/--tab goes with the UI, not with --json or --prometheus: it picks the first tab; each JSON line and scrape has every tab's figures"],
		[{ tab: '2', prometheus: ':9977' }, "-t/--tab goes with the UI, not with --json or --prometheus: it picks the first tab; each JSON line and scrape has every tab's figures"],
	];
	for (const [flags, message] of refused) assert.throws(() => parseOptions(flags), (e: unknown) => e instanceof UsageError && e.message === message, JSON.stringify(flags));
	assert.equal(parseOptions({ cost: true, json: true }).cost, true);
	assert.equal(parseOptions({ tab: 'drops' }).tab, 'drops');
	assert.equal(parseOptions({ prometheus: ':9977', prometheusPid: true, webConfigFile: 'web.yml' }).prometheusPid, true);
});

test('features\' own flags join nettop\'s: each name once, parsed into the settings', () => {
	const names = ALL_FEATURES.flatMap((f) => f.flags.map((flag) => flag.name));
	assert.equal(new Set(names).size, names.length, `no two features share a flag: ${names.join(', ')}`);
	for (const name of names) assert.ok(name in FLAGS, `--${name} is known to the parser`);
	assert.equal(Object.keys(FLAGS).length, 23 + names.length, 'none takes the name of one of nettop\'s own');
	assert.deepEqual(Object.keys(parseOptions({}).settings).sort(), [...names].sort());
});

test('-w, -q and -R: a file name each; -q only with -w; -R refuses what only a live run does, booleans given as false too', () => {
	const refused: [Parameters<typeof parseOptions>[0], string][] = [
		[{ write: ' ' }, '-w/--write wants a file name'],
		[{ replay: '' }, '-R/--replay wants a file name'],
		[{ quiet: true }, '-q/--quiet goes with -w/--write: it records without showing anything'],
		[{ replay: 'f.rec', write: 'g.rec' }, '-w/--write does not go with -R/--replay: a replay shows the intervals as they were recorded'],
		[{ replay: 'f.rec', prometheus: ':9977' }, '--prometheus does not go with -R/--replay: a replay shows the intervals as they were recorded'],
		[{ replay: 'f.rec', ms: true }, '--ms does not go with -R/--replay: a replay shows the intervals as they were recorded'],
		[{ replay: 'f.rec', direction: 'connect' }, '-r/--direction does not go with -R/--replay: a replay shows the intervals as they were recorded'],
		[{ begin: '14:03', json: true }, '--begin goes with -R/--replay: it picks the recorded intervals to show'],
		[{ write: 'n.rec', keep: '7' }, '--keep goes with -w/--write FILE whose name has time fields (nettop-%Y%m%d.rec): it deletes the oldest of those files'],
		[{ write: '/var/%Y/n.rec', keep: '7' }, '--keep goes with -w/--write FILE whose name has time fields (nettop-%Y%m%d.rec): it deletes the oldest of those files'],
		[{ write: 'n-%Y.rec', keep: '0' }, '--keep wants how many files to keep, 1 or more; got "0"'],
		[{ write: 'n-%Q.rec' }, '-w/--write: %Q is not a time field nettop knows (%Y %m %d %H %M %S %j %F, %% for %)'],
		[{ history: '0.5' }, '--history wants minutes from 0 (none) to 1440, got "0.5"'],
		[{ history: '5', json: true }, '--history goes with the UI, not with --json or --prometheus: it is what the UI keeps to step back through'],
		[{ replay: 'f.rec', history: '5' }, '--history does not go with -R/--replay: a replay shows the intervals as they were recorded'],
		[{ replay: 'f.rec', keep: '3' }, '--keep goes with -w/--write FILE whose name has time fields (nettop-%Y%m%d.rec): it deletes the oldest of those files'],
		[{ replay: 'f.rec', end: 'noon' }, '--end wants a time in the recording: HH:MM[:SS], YYYY-MM-DD HH:MM[:SS], -5m before its end or +10m after its start; got "noon"'],
	];
	for (const [flags, message] of refused) assert.throws(() => parseOptions(flags), (e: unknown) => e instanceof UsageError && e.message === message, JSON.stringify(flags));
	assert.deepEqual([parseOptions({ write: 'f.rec', quiet: true }).write, parseOptions({ write: 'f.rec', quiet: true }).quiet], ['f.rec', true]);
	// meow gives an absent boolean flag as false: not "given".
	const replay = parseOptions({ replay: 'f.rec', json: true, ms: false, latency: false, port: '443' });
	assert.deepEqual([replay.replay, replay.write, [...replay.filter.ports], replay.mergeMs], ['f.rec', undefined, [443], undefined]);
	assert.equal(parseOptions({ replay: 'f.rec', json: true, interval: '60' }).mergeMs, 60_000, '-i on a replay: the intervals merged into minutes');
});

test('--begin -5m: a value that starts with a dash stays the value of --begin and --end', async () => {
	const { valueArgv } = await import('../source/options.js');
	assert.deepEqual(valueArgv(['-R', 'f.rec', '--begin', '-5m', '--end', '-10s', '-n', '3']), ['-R', 'f.rec', '--begin=-5m', '--end=-10s', '-n', '3']);
	assert.deepEqual(valueArgv(['--begin', '-q']), ['--begin', '-q'], 'a flag after it is a flag');
});
