// The Connections tab: counts in words that fit, what this kernel cannot see said, events with their details.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connsView, type ConnEvent } from '../../../source/features/conns/model.js';
import { BEFORE_START, connsTab, countsLines, eventDetail, eventName, latency, lifetime } from '../../../source/features/conns/tab.js';
import { plainText } from '../../../source/format/lines.js';
import { NO_FILTER } from '../../../source/model/filter.js';
import { connsSnap } from '../../fixtures/records.js';

const FLOW = { netns: 7, family: 4 as const, laddr: '10.0.0.1', lport: 40000, raddr: '10.0.0.2', rport: 443, pid: 42, comm: 'curl', cgroupId: 0, state: 'LAST_ACK' };
const ev = (over: Partial<ConnEvent>): ConnEvent => ({ ...FLOW, time: 0, type: 'close', direction: 'connect', ...over });
const props = { state: connsTab.initial, sort: 'opens', seconds: 1, height: 22, width: 80, currentNetns: 1, unicode: false };

test('figures in words: lifetimes, latencies, details of each event', () => {
	assert.deepEqual([lifetime(0.5), lifetime(0.9996), lifetime(12.4), lifetime(999.7), lifetime(1500), lifetime(65_000), lifetime(7_380_000)], ['500us', '1ms', '12ms', '1.0s', '1.5s', '1m05s', '2h03m']);
	assert.deepEqual([latency(85), latency(1500), latency(25_000), latency(3_000_000)], ['85us', '1.5ms', '25ms', '3.0s']);
	assert.equal(eventDetail(ev({ durationMs: 1500, txBytes: 4096, rxBytes: 100 })), '1.5s 4.0K/100');
	assert.equal(eventDetail(ev({ txBytes: 1, rxBytes: 2 })), '<start 1/2', 'a connection opened before nettop started: its lifetime not seen');
	assert.equal(eventDetail(ev({ type: 'fail', reason: 'timed out' })), 'timed out');
	assert.equal(eventDetail(ev({ type: 'reset_out', noSocket: true })), 'no socket');
});

test('the counts line: every figure a second but those established now, its form from the width alone, never cut', () => {
	const small = { totals: { active_opens: 12, passive_opens: 3, attempt_fails: 1, estab_resets: 2, out_rsts: 554, in_rsts: 4, handshake_fails: 0, established: 40 } };
	const busy = { totals: { active_opens: 1234, passive_opens: 1234, attempt_fails: 12, estab_resets: 12, out_rsts: 1234, in_rsts: 1234, handshake_fails: 0, established: 12345 } };
	const text = (v: typeof small | undefined, width: number, seconds = 1) => countsLines(v, width, seconds).map(plainText);
	assert.deepEqual(text(small, 120), ['connects 12/s  accepts 3.0/s  failed 1.0/s  aborted 2.0/s  RST out 554/s in 4.0/s  estab 40']);
	assert.deepEqual(text(small, 120, 2), ['connects 6.0/s  accepts 1.5/s  failed 0.5/s  aborted 1.0/s  RST out 277/s in 2.0/s  estab 40'], 'a second, over a 2 s interval');
	assert.deepEqual(text(small, 90), ['conn 12/s acc 3.0/s fail 1.0/s abrt 2.0/s RST out 554/s in 4.0/s est 40'], 'the long form (85) would fit 90 now, but not with usual figures: the short one');
	assert.deepEqual(text(small, 80), text(small, 90));
	assert.deepEqual(text(undefined, 80), ['conn 0.0/s acc 0.0/s fail 0.0/s abrt 0.0/s RST out 0.0/s in 0.0/s'], 'before the first interval');
	for (let width = 40; width <= 120; width++) {
		const [a, b] = [text(small, width), text(busy, width)];
		assert.equal(a.length, b.length, `${width} columns: as many lines, small or busy\n${a.join('\n')}\n${b.join('\n')}`);
		assert.equal(a[0]!.split(' ')[0], b[0]!.split(' ')[0], `${width} columns: the same form`);
		for (const l of b) assert.ok(l.length <= width, `${width}: ${l}`);
	}
	const huge = { totals: { ...busy.totals, out_rsts: 123_456_789 } };
	const wrapped = text(huge, 40).join(' ');
	assert.ok(wrapped.includes('RST out 123456789/s in 1234/s'), `wider than usual: wrapped, never cut\n${wrapped}`);
});

test('what the kernel or the interval keeps from the list is said: left-out events, unseen RSTs for closed ports, no accept tracing', () => {
	const cur = connsSnap({ eventsLost: 5, eventsSampled: 7, sight: { resetsSent: 'sockets', resetsReceived: false, accepts: false }, events: [ev({ durationMs: 3, txBytes: 1, rxBytes: 1 })] });
	const text = connsTab.lines(connsView(undefined, cur, NO_FILTER, new Map()), props).map(plainText).join('\n');
	assert.match(text, /12 events not listed \(7 sampled out, 5 ring full\); counted above/);
	assert.match(text, /RSTs sent for closed ports are not seen on this kernel \(before Linux 6\.9\)/);
	assert.match(text, /accept\(\) is not traced here/);
	assert.match(text, /RSTs received are not seen on this kernel/);
	assert.match(text, /\b42 curl +close +10\.0\.0\.1:40000 +10\.0\.0\.2:443 +3ms 1\/1/);
	const quiet = connsTab.lines(connsView(undefined, connsSnap(), NO_FILTER, new Map()), props).map(plainText).join('\n');
	assert.doesNotMatch(quiet, /not seen|not traced|left out/, 'nothing to say on a kernel that shows everything');
	const noTracefs = connsSnap({ sight: { resetsSent: 'all', resetsReceived: true, accepts: false, acceptsWhy: 'tracefs is not mounted: mount -t tracefs nodev /sys/kernel/tracing' } });
	const said = connsTab.lines(connsView(undefined, noTracefs, NO_FILTER, new Map()), props).map(plainText).join(' ');
	assert.match(said, /accept\(\) is not traced here \(tracefs is not mounted: mount -t tracefs nodev \/sys\/kernel\/tracing\)/, 'and why, with what to do, where it is the machine\'s doing');
});

test('the notes fit the width whole: broken between words at 80 and 60 columns, never cut', () => {
	const cur = connsSnap({ sight: { resetsSent: 'sockets', resetsReceived: false, accepts: false, acceptsWhy: 'tracefs is not mounted: mount -t tracefs nodev /sys/kernel/tracing' } });
	const notes = [
		'RSTs sent for closed ports are not seen on this kernel (before Linux 6.9): RST out counts only those of sockets',
		'RSTs received are not seen on this kernel (no tcp_receive_reset): RST in stays 0',
		'accept() is not traced here (tracefs is not mounted: mount -t tracefs nodev /sys/kernel/tracing): no accept events; accepts still counted',
	];
	for (const width of [80, 60]) {
		const lines = connsTab.lines(connsView(undefined, cur, NO_FILTER, new Map()), { ...props, width }).map(plainText);
		assert.deepEqual(lines.filter((l) => l.length > width), [], `${width} columns`);
		for (const note of notes) assert.ok(lines.join(' ').includes(note), `${width} columns: ${note}`);
	}
});

test('a on the tab: per remote endpoint, then per local port', () => {
	const key = connsTab.keys.find((k) => k.key === 'a')!;
	const byPort = key.apply(connsTab.initial);
	assert.equal(byPort.mode, 'port');
	assert.equal(key.footer(byPort), 'a by remote');
	const cur = connsSnap({ events: [ev({ type: 'accept', direction: 'accept', lport: 8080 })] });
	const text = connsTab.lines(connsView(undefined, cur, NO_FILTER, new Map()), { ...props, state: byPort }).map(plainText).join('\n');
	assert.match(text, /per local port \(accepting side\)/);
	assert.match(text, /\n8080 +1 +0 +0 +0/);
});

test('README\'s Connections tab names every event the list shows, abort too, and what <start means', () => {
	const readme = readFileSync(fileURLToPath(new URL('../../../../README.md', import.meta.url)), 'utf8');
	const tab = readme.slice(readme.indexOf('- **5 Connections**'), readme.indexOf('- **6 Drops**'));
	const types: ConnEvent['type'][] = ['connect', 'accept', 'close', 'fail', 'reset_in', 'reset_out'];
	const names = [...types.map((type) => eventName(ev({ type }))), eventName(ev({ type: 'close', abort: true }))];
	assert.deepEqual(names, ['connect', 'accept', 'close', 'FAIL', 'RST in', 'RST out', 'abort']);
	for (const name of names) assert.ok(tab.includes(`\`${name}\``), `${name} in README:\n${tab}`);
	assert.ok(tab.includes(`\`${BEFORE_START}\``), 'what a lifetime of <start means');
});
