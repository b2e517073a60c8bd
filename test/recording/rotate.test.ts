// Recording file names with time fields: the name for an instant, a new file when it changes (no interval between
// two files), and --keep deleting the oldest recordings, never another file.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Reading } from '../../source/features/index.js';
import { readRecording } from '../../source/recording/file.js';
import { hasTimeFields, namesOf, strftime, unknownField } from '../../source/recording/strftime.js';
import { openRecorder } from '../../source/record.js';
import { raw, tcp } from '../fixtures/records.js';

process.env.TZ = 'UTC';
const dir = mkdtempSync(path.join(tmpdir(), 'nettop-rotate-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const at = (iso: string) => new Date(iso).getTime();

test('strftime: each field in local time, %% a percent; the names a pattern makes', () => {
	const t = at('2026-02-03T04:05:06Z');
	assert.equal(strftime('n-%Y%m%d-%H%M%S-%j-%F-100%%.rec', t), 'n-20260203-040506-034-2026-02-03-100%.rec');
	assert.equal(hasTimeFields('a%%b.rec'), false);
	assert.equal(hasTimeFields('a-%d.rec'), true);
	assert.equal(unknownField('a-%Q.rec'), 'Q');
	const names = namesOf('n-%Y%m%d.rec');
	assert.ok(names.test('n-20260203.rec'));
	for (const other of ['n-2026023.rec', 'n-20260203.rec.bak', 'xn-20260203.rec', 'n-20260203Xrec']) assert.ok(!names.test(other), other);
});

test('a new file when the name changes: the reading that changes it ends one file and starts the next; --keep leaves the newest recordings, and other files alone', () => {
	const pattern = path.join(dir, 'n-%Y%m%d%H%M%S.rec');
	writeFileSync(path.join(dir, 'n-00000000000000.rec'), 'mine, not a recording'); // matches the pattern, oldest by name
	const failures: string[] = [];
	const rec = openRecorder({ file: pattern, keep: 3, version: '0.1.0', intervalMs: 500, netns: 0, modes: [], onFailure: (l) => failures.push(l) });
	// The first file is named at open (now); the readings come from the next whole second on.
	const start = Math.ceil(Date.now() / 1000) * 1000 + 1000;
	const name = (second: number) => strftime('n-%Y%m%d%H%M%S.rec', start + second * 1000);
	const reading = (k: number): Reading => ({ ...raw(k * 500, { tcp: { counters: [tcp(100 * k, 0)], lost: 0 } }), wall: start + k * 500 });
	for (let k = 0; k < 12; k++) rec.add(reading(k)); // six seconds, six names after the one named at open
	rec.close();
	assert.deepEqual(failures, []);
	const files = readdirSync(dir).sort();
	assert.deepEqual(files, ['n-00000000000000.rec', name(3), name(4), name(5)].sort());
	assert.equal(readFileSync(path.join(dir, 'n-00000000000000.rec'), 'utf8'), 'mine, not a recording');
	const walls = (name: string) => [...readRecording(readFileSync(path.join(dir, name)), name)].flatMap((i) => (i.kind === 'reading' ? [(i.reading.wall - start) / 500] : []));
	assert.deepEqual(walls(name(3)), [6, 7, 8]);
	assert.deepEqual(walls(name(4)), [8, 9, 10]);
	assert.deepEqual(walls(name(5)), [10, 11]);
});

test('contrib/nettop-record.service runs a command line nettop takes, writing where the unit lets it', async () => {
	const { parseOptions } = await import('../../source/options.js');
	const unit = readFileSync(new URL('../../../contrib/nettop-record.service', import.meta.url), 'utf8');
	const exec = /^ExecStart=(\S+) (.*)$/m.exec(unit)!;
	assert.ok(exec, 'an ExecStart');
	const args = exec[2]!.replaceAll('%%', '%').split(' ');
	assert.deepEqual(args.slice(0, 2), ['-q', '-w']);
	const [file, keepFlag, keep] = args.slice(2);
	assert.equal(keepFlag, '--keep');
	const options = parseOptions({ quiet: true, write: file, keep });
	assert.deepEqual([options.quiet, options.write, options.keep], [true, file, 7]);
	assert.equal(path.dirname(file!), `/var/log/${/^LogsDirectory=(.*)$/m.exec(unit)![1]}`, 'systemd makes the directory');
	assert.match(unit, new RegExp(`^ReadWritePaths=${path.dirname(file!)}$`, 'm'), 'and lets the service write there');
	assert.equal(strftime(path.basename(file!), at('2026-12-07T10:00:00Z')), 'nettop-20261207.rec', 'a file a day');
});
