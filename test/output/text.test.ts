// The plain table (stdout not a terminal): every feature with owners and peers as the tabs show them, no sparkline, no escapes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_FILTER } from '../../source/model/filter.js';
import { PlainTable } from '../../source/output/text.js';
import { buildSample } from '../../source/pipeline.js';
import { nic, raw, retrans, rtt, tcp } from '../fixtures/records.js';

const HERE = 4026531840;

test('plain: NIC without sparklines; RTT and Retransmits with owners and peers; each interval\'s events once', () => {
	const table = new PlainTable({ intervalMs: 1000, filter: NO_FILTER, currentNetns: HERE });
	const first = raw(0, { nic: { counters: [nic(0, { netns: HERE, ifname: 'eth0' })], lost: 0 }, tcp: { counters: [tcp(0, 0, { cookie: 1, pid: 11, comm: 'nginx' })], lost: 0 } });
	const second = raw(1000, {
		nic: { counters: [nic(2_000_000, { netns: HERE, ifname: 'eth0' })], lost: 0 },
		tcp: { counters: [tcp(3_000_000, 1000, { cookie: 1, pid: 11, comm: 'nginx' })], lost: 0 },
		rtt: { unit: 'usecs', counters: [rtt([40, 50, 60], { cookie: 1, pid: 11, comm: 'nginx', lport: 443, rport: 50000 })], lost: 0 },
		retrans: { events: [retrans({ pid: 11, comm: 'nginx', lport: 443, rport: 50000, segs: 3 })], lost: 0 },
	});
	const text = table.lines(buildSample(first, second)).join('\n');
	assert.match(text, /IFACE +NETNS +Q +TX B\/s +TXpk\/s +TXavg B +RX B\/s +RXpk\/s +RXavg B\n/, 'no sparkline column');
	assert.doesNotMatch(text, /TX\+RX|[#█]/);
	assert.match(text, /RTT count 3 +avg 50/);
	assert.match(text, /PID COMM +CONNS +COUNT +AVG us +P50 us +P99 us\n +11 nginx +1 +3 +50/, 'RTT per process');
	assert.match(text, /11 nginx +10\.0\.0\.1:443 +10\.0\.0\.2:50000 +3 +50/, 'RTT per connection: owner and both ends');
	assert.match(text, /this interval: 1 retransmits, 3 segments/);
	assert.match(text, /per flow, this interval:\n +PID COMM +LOCAL +REMOTE +EVENTS +SEGS\n +11 nginx +10\.0\.0\.1:443 +10\.0\.0\.2:50000 +1 +3/, 'retransmits per flow with owner and peers');
	assert.match(text, /\d\d:\d\d:\d\d +11 nginx +10\.0\.0\.1:443 +10\.0\.0\.2:50000 +ESTAB +data +3/, 'the event');
	assert.doesNotMatch(text, /\x1b/, 'no escapes');
	// The next interval has no retransmit: the event is not written again.
	const third = raw(2000, { nic: { counters: [nic(2_000_000, { netns: HERE, ifname: 'eth0' })], lost: 0 } });
	const next = table.lines(buildSample(second, third)).join('\n');
	assert.doesNotMatch(next, /ESTAB/);
	assert.match(next, /this interval: 0 retransmits/);
});
