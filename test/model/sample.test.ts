// buildSample: interval length, deltas for every key, the filter, unavailable collectors, lost updates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSample } from '../../source/model/sample.js';
import { available, nic, raw, retrans, rtt, tcp } from '../fixtures/records.js';

test('interval and time come from the samples; counters become deltas', () => {
	const prev = raw(1000, { nic: { counters: [nic(100)], lost: 0 }, tcp: { counters: [tcp(10, 0)], lost: 0 } });
	const cur = raw(1500, { nic: { counters: [nic(350)], lost: 0 }, tcp: { counters: [tcp(60, 5)], lost: 0 } });
	const s = buildSample(prev, cur);
	assert.equal(s.interval, 0.5);
	assert.equal(s.time, cur.wall);
	assert.deepEqual(available(s.nic).map((r) => r.tx_bytes), [250]);
	assert.deepEqual(available(s.tcp).records().map((r) => [r.tx_bytes, r.rx_bytes]), [[50, 5]]);
	assert.deepEqual(s.lost, {});
});

test('the filter reaches tcp, rtt and retrans but not nic', () => {
	const other = { cookie: 2, pid: 200, lport: 50000, rport: 22 };
	const cur = raw(1000, {
		nic: { counters: [nic(5)], lost: 0 },
		tcp: { counters: [tcp(10, 0), tcp(7, 0, other)], lost: 0 },
		rtt: { unit: 'usecs', counters: [rtt([100]), rtt([9000], other)], lost: 0 },
		retrans: { events: [retrans(), retrans(other)], lost: 0 },
	});
	const s = buildSample(raw(0), cur, { pids: new Set(), ports: new Set([22]) });
	assert.equal(available(s.nic).length, 1);
	assert.deepEqual(available(s.tcp).records().map((r) => r.pid), [200]);
	assert.deepEqual(available(s.rtt).flows.map((f) => f.pid), [200]);
	assert.equal(available(s.retrans).count, 1);
});

test('an unavailable collector stays unavailable with its reason; the others go on', () => {
	const why = { unavailable: 'kernel has no tracepoint sock_send_length' };
	const s = buildSample(raw(0, { tcp: why }), raw(1000, { tcp: why, nic: { counters: [nic(1)], lost: 0 } }));
	assert.deepEqual(s.tcp, why);
	assert.ok(Array.isArray(s.nic));
});

test('updates lost in the kernel during the interval are reported by collector', () => {
	const s = buildSample(raw(0, { nic: { counters: [], lost: 4 } }), raw(1000, { nic: { counters: [], lost: 10 }, retrans: { events: [], lost: 3 } }));
	assert.deepEqual(s.lost, { nic: 6, retrans: 3 });
});
