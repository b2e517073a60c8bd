// Every tab's column headers name the unit of their figures, whole, at 80 and 60 columns.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_FEATURES, entry, type Sample } from '../../source/features/index.js';
import { plainText } from '../../source/format/lines.js';
import { buildSample } from '../../source/pipeline.js';
import { nic, raw, retrans, rtt, tcp } from '../fixtures/records.js';

const HERE = 4026531840;

/** A second with bytes, round trips and retransmits, in milliseconds or microseconds. */
function sample(unit: 'usecs' | 'msecs'): Sample {
	const first = raw(0, { nic: { counters: [nic(0, { netns: HERE })], lost: 0 }, tcp: { counters: [tcp(0, 0)], lost: 0 } });
	const second = raw(1000, {
		nic: { counters: [nic(90_000_000, { netns: HERE, rx_bytes: 88_000_000, tx_packets: 60_000, rx_packets: 60_000 })], lost: 0 },
		tcp: { counters: [tcp(3_000_000, 1000)], lost: 0 },
		rtt: { unit, counters: [rtt([40, 50, 60])], lost: 0 },
		retrans: { events: [retrans()], lost: 0 },
	});
	return buildSample(first, second);
}

/** The tab of `key` drawn at `width`, after its keys `keys` were pressed. */
function drawn(s: Sample, key: string, width: number, keys: string[] = []): string[] {
	const f = ALL_FEATURES.find((x) => x.key === key)!;
	const state = keys.reduce((st, k) => f.tab.keys.find((x) => x.key === k)!.apply(st), f.tab.initial);
	return f.tab.lines(entry(s, key), { state, sort: f.tab.sorts[0]!, seconds: 1, height: 20, width, currentNetns: HERE, unicode: false }).map(plainText);
}

const CASES: { key: string; keys?: string[]; heads: string[] }[] = [
	{ key: 'nic', heads: ['TX B/s', 'TXpk/s', 'TXavg B', 'RX B/s', 'RXpk/s', 'RXavg B'] },
	{ key: 'tcp', heads: ['TX B/s', 'RX B/s'] },
	{ key: 'tcp', keys: ['c'], heads: ['TX B/s', 'RX B/s'] },
	{ key: 'tcp', keys: ['o'], heads: ['TX B/s', 'RX B/s'] },
	{ key: 'rtt', keys: ['a'], heads: ['AVG us', 'P50 us', 'P99 us'] },
	{ key: 'rtt', keys: ['a', 'a'], heads: ['AVG us', 'P50 us', 'P99 us'] },
	{ key: 'rtt', keys: ['a', 'a', 'a'], heads: ['AVG us', 'P50 us', 'P99 us'] },
];

test('column headers name their figures\' units, whole, at 80 and 60 columns: bytes, microseconds (ms with --ms)', () => {
	for (const width of [80, 60]) {
		for (const { key, keys = [], heads } of CASES) {
			const lines = drawn(sample('usecs'), key, width, keys);
			const head = lines.find((l) => heads.some((h) => l.includes(h.split(' ')[0]!)) && /[A-Z]{3}/.test(l));
			for (const h of heads) assert.ok(head?.includes(h), `${key} ${keys.join('')} at ${width}: ${h}\n${lines.join('\n')}`);
		}
		for (const keys of [['a'], ['a', 'a'], ['a', 'a', 'a']]) assert.ok(drawn(sample('msecs'), 'rtt', width, keys).some((l) => /AVG ms +P50 ms +P99 ms/.test(l)), `--ms: ${keys.join('')}`);
	}
});

test('retransmits a second: seg/s, one spelling, on the tab as in the summary', () => {
	const s = sample('usecs');
	for (const width of [80, 60]) assert.match(drawn(s, 'retrans', width)[0]!, /\(1\.0 seg\/s\)$/);
	const r = ALL_FEATURES.find((f) => f.key === 'retrans')!;
	const part = r.summary(entry(s, 'retrans') as never, 1)!;
	assert.deepEqual([part.text, part.short], ['1.0seg/s', undefined], 'no short form without its unit');
});
