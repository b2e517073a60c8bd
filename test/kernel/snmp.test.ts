// The kernel's SNMP counters: one group's counter from the text; a namespace's read only when something moved there, or in turn by the sweep.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NetnsActivity, NetnsMib, snmpCounter, SWEEP_MS } from '../../source/kernel/snmp.js';

const SNMP = ['Ip: Forwarding DefaultTTL', 'Ip: 1 64', 'Tcp: RtoAlgorithm AttemptFails CurrEstab', 'Tcp: 1 7 3', 'TcpExt: SyncookiesSent ListenOverflows CurrEstab', 'TcpExt: 0 5 99', ''].join('\n');

test('snmpCounter: a counter of its group only (Tcp is not TcpExt), at the start of the text or not; absent is undefined', () => {
	assert.equal(snmpCounter(SNMP, 'Tcp', 'CurrEstab'), 3);
	assert.equal(snmpCounter(SNMP, 'Tcp', 'AttemptFails'), 7);
	assert.equal(snmpCounter(SNMP, 'TcpExt', 'CurrEstab'), 99);
	assert.equal(snmpCounter(SNMP, 'Ip', 'DefaultTTL'), 64);
	assert.equal(snmpCounter(SNMP, 'Udp', 'InDatagrams'), undefined);
	assert.equal(snmpCounter(SNMP, 'Tcp', 'Nothing'), undefined);
	assert.equal(snmpCounter(SNMP, 'Tcp', 'Tcp:'), undefined);
	assert.equal(snmpCounter('Tcp: A B', 'Tcp', 'A'), undefined, 'a names line without its values');
});

test('NetnsMib: each namespace read when first seen and when something moved there; idle ones keep their values and are swept in turn', () => {
	const visits: string[] = [];
	const value = new Map([['a', 1], ['b', 2], ['c', 3]]);
	const mib = new NetnsMib(
		'snmp',
		(text) => Number(text),
		(nsPath) => {
			const name = nsPath.split('/').pop()!;
			visits.push(name);
			if (!value.has(name)) throw new Error('gone');
			return String(value.get(name));
		},
		() => ({ ino: 100, text: '0' }),
	);
	const names = new Map([[1, 'a'], [2, 'b'], [3, 'c']]);
	const activity = new NetnsActivity();
	let now = 0;
	const read = () => {
		visits.length = 0;
		return [...mib.read(names, activity, now)];
	};
	assert.deepEqual(read(), [[100, 0], [1, 1], [2, 2], [3, 3]]);
	assert.deepEqual(visits, ['a', 'b', 'c'], 'all at first');
	value.set('b', 20);
	now += 1000;
	assert.deepEqual(read(), [[100, 0], [1, 1], [2, 2], [3, 3]], 'idle: the last values stand');
	assert.deepEqual(visits, []);
	activity.markMoved(new Map(), new Map([[2, 1]]));
	now += 1000;
	assert.deepEqual(new Map(read()).get(2), 20);
	assert.deepEqual(visits, ['b'], 'only where something moved');
	activity.begin();
	// A third of the sweep's period: a third of the 3 idle ones, one.
	const swept: string[] = [];
	for (let k = 0; k < 3; k++) {
		now += SWEEP_MS / 3;
		read();
		assert.equal(visits.length, 1, 'a third of them each third of the period');
		swept.push(...visits);
	}
	assert.deepEqual(swept.sort(), ['a', 'b', 'c'], 'each in turn within the period');
	now += 1000;
	read();
	assert.equal(visits.length, 0, 'nothing owed between');
	names.delete(3);
	value.delete('a');
	activity.markMoved(new Map(), new Map([[1, 1]]));
	assert.deepEqual(read(), [[100, 0], [2, 20]], 'a namespace gone from the names, or that cannot be entered, is left out');
});
