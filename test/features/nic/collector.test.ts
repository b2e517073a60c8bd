// Decoding nic.bpf.o map bytes: keys, per-CPU values summed, names made printable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nicKey, nicName, nicNameKey, nicSlot, nicVal } from '../../../source/features/nic/layouts.js';
import type { MapEntries } from '../../../native/map.js';
import { decodeNicCache, decodeNicCounters, decodeNicNames, mergeNicCounters, NicCollector } from '../../../source/features/nic/collector.js';
import type { BpfObject } from '../../../native/object.js';

/** Builds what BpfMap.readAll() returns for `cpus` CPUs, as the kernel lays it out. */
function entries(keySize: number, valueSize: number, cpus: number, rows: [Buffer, Buffer[]][]): MapEntries {
	const cpuStride = cpus > 1 ? Math.ceil(valueSize / 8) * 8 : valueSize;
	const valueStride = cpuStride * cpus;
	const keys = Buffer.alloc(keySize * rows.length);
	const values = Buffer.alloc(valueStride * rows.length);
	rows.forEach(([k, perCpu], i) => {
		k.copy(keys, i * keySize);
		perCpu.forEach((v, cpu) => v.copy(values, i * valueStride + cpu * cpuStride));
	});
	return { count: rows.length, keys, values, keySize, valueStride, cpuStride, cpus };
}

const u32s = (...n: number[]) => Buffer.from(new Uint32Array(n).buffer);
const u64s = (...n: bigint[]) => Buffer.from(new BigUint64Array(n).buffer);

test('per-CPU counters are summed and joined with their names', () => {
	const names = entries(nicNameKey.size, nicName.size, 1, [
		[u32s(4026531840, 2), [Buffer.from('eth0\0\0\0\0\0\0\0\0\0\0\0\0')]],
		[u32s(4026532000, 2), [Buffer.from('veth\x1b[31m\0\0\0\0\0\0\0')]],
	]);
	const stats = entries(nicKey.size, nicVal.size, 2, [
		[u32s(4026531840, 2, 3), [u64s(1000n, 10n, 50n, 1n), u64s(24n, 1n, 0n, 0n)]],
		[u32s(4026532000, 2, 0), [u64s(2n ** 40n, 5n, 0n, 0n), u64s(2n ** 40n, 5n, 7n, 1n)]],
		[u32s(4026532999, 9, 1), [u64s(1n, 1n, 0n, 0n), u64s(0n, 0n, 0n, 0n)]],
	]);
	const rows = decodeNicCounters(stats, decodeNicNames(names));
	assert.deepEqual(rows, [
		{ netns: 4026531840, ifindex: 2, queue: 3, ifname: 'eth0', tx_bytes: 1024, tx_packets: 11, rx_bytes: 50, rx_packets: 1 },
		{ netns: 4026532000, ifindex: 2, queue: 0, ifname: 'veth?[31m', tx_bytes: 2 ** 41, tx_packets: 10, rx_bytes: 7, rx_packets: 1 },
		{ netns: 4026532999, ifindex: 9, queue: 1, ifname: '', tx_bytes: 1, tx_packets: 1, rx_bytes: 0, rx_packets: 0 },
	]);
});

test('a name that fills all 16 bytes (no NUL) is read whole', () => {
	const names = entries(nicNameKey.size, nicName.size, 1, [[u32s(1, 1), [Buffer.from('abcdefghijklmnop')]]]);
	assert.equal(decodeNicNames(names).get('1:1'), 'abcdefghijklmnop');
});

/** A nic_cache slot: key then counters (nt_nic_slot). */
const slot = (netns: number, ifindex: number, queue: number, ...counts: bigint[]) => Buffer.concat([u32s(netns, ifindex, queue, 0), u64s(...counts)]);
const free = () => Buffer.alloc(nicSlot.size);

test('cache slots: each key summed over the CPUs that hold it, free slots skipped', () => {
	const cache = entries(4, nicSlot.size, 2, [
		[u32s(0), [slot(7, 2, 0, 100n, 1n, 0n, 0n), slot(7, 2, 0, 50n, 1n, 10n, 1n)]],
		[u32s(1), [free(), slot(7, 3, 1, 1n, 1n, 2n, 2n)]],
		[u32s(2), [free(), free()]],
	]);
	const rows = decodeNicCache(cache, new Map([['7:2', 'eth0']]));
	assert.deepEqual(rows, [
		{ netns: 7, ifindex: 2, queue: 0, ifname: 'eth0', tx_bytes: 150, tx_packets: 2, rx_bytes: 10, rx_packets: 1 },
		{ netns: 7, ifindex: 3, queue: 1, ifname: '', tx_bytes: 1, tx_packets: 1, rx_bytes: 2, rx_packets: 2 },
	]);
});

test('hash and cache counts add up per key; a retired key counts from its base, and stays out until it moves', () => {
	const row = (ifindex: number, tx: number, txp: number) => ({ netns: 7, ifindex, queue: 0, ifname: 'x', tx_bytes: tx, tx_packets: txp, rx_bytes: 0, rx_packets: 0 });
	const stats = [row(2, 10, 1), row(4, 5, 1)];
	const cached = [row(2, 100, 2), row(3, 60, 3), row(5, 40, 4)];
	const base = new Map([
		['7:3:0', { tx_bytes: 60, tx_packets: 3, rx_bytes: 0, rx_packets: 0 }],
		['7:5:0', { tx_bytes: 30, tx_packets: 2, rx_bytes: 0, rx_packets: 0 }],
	]);
	const merged = mergeNicCounters(stats, cached, base);
	assert.deepEqual(
		merged.map((c) => [c.ifindex, c.tx_bytes, c.tx_packets]),
		[
			[2, 110, 3],
			[4, 5, 1],
			[5, 10, 2],
		],
		'ifindex 3 retired and not moved since: left out; 5 moved 2 packets since it was retired',
	);
});

test('an interface whose first packet comes at any point of a read is named in the first read that counts it', () => {
	const empty = (keySize: number, valueSize: number, cpus: number) => entries(keySize, valueSize, cpus, []);
	// The kernel as nic.bpf.c writes it: the name first, then the key (here a nic_stats entry; a cache slot alike).
	for (let arrival = 0; arrival <= 4; arrival++) {
		let reads = 0;
		const arrived = () => reads > arrival;
		const map = (name: string) => ({
			readAll: () => {
				const now = arrived();
				reads++;
				switch (name) {
					case 'nic_stats':
						return now ? entries(nicKey.size, nicVal.size, 1, [[u32s(7, 2, 0), [u64s(1500n, 1n, 0n, 0n)]]]) : empty(nicKey.size, nicVal.size, 1);
					case 'nic_names':
						return now ? entries(nicNameKey.size, nicName.size, 1, [[u32s(7, 2), [Buffer.from('eth0\0\0\0\0\0\0\0\0\0\0\0\0')]]]) : empty(nicNameKey.size, nicName.size, 1);
					case 'nic_cache':
						return entries(4, nicSlot.size, 1, [[u32s(0), [free()]]]);
					default:
						return empty(4, 8, 1);
				}
			},
			delete: () => false,
		});
		const collector = new NicCollector({ map, close: () => undefined } as unknown as BpfObject);
		const seen = collector.read(0).counters;
		assert.ok(seen.every((c) => c.ifname === 'eth0'), `first packet after read ${arrival}: ${JSON.stringify(seen)}`);
	}
});
