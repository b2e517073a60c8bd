// native/ against the real kernel: read, drain and delete map entries; read-only constants; --ms.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { BpfError } from '../../native/errors.js';
import { nicKey, nicSlot, nicVal } from '../../source/features/nic/layouts.js';
import { BpfObject } from '../../native/object.js';
import { u32, writeU32 } from '../../source/kernel/decode.js';
import { bpfDir } from '../../source/kernel/objects.js';
import { requireBpf } from '../helpers/bpf.js';
import { testHosts } from '../helpers/netns.js';
import type { MapEntries } from '../../native/map.js';
import { drain, update } from '../helpers/maps.js';
import { programsLeft, runNettop } from '../helpers/nettop.js';

const hosts = testHosts(1);

/** Keys of `entries` that are lo (ifindex 1) in the namespace with inode `netns`. */
function loKeys(entries: MapEntries, netns: number): Buffer[] {
	const out: Buffer[] = [];
	for (let i = 0; i < entries.count; i++) {
		const key = entries.keys.subarray(i * entries.keySize, (i + 1) * entries.keySize);
		if (u32(key, nicKey.fields.netns.offset) === netns && u32(key, nicKey.fields.ifindex.offset) === 1) out.push(Buffer.from(key));
	}
	return out;
}

test('BpfMap: readAll sees entries, drain takes them out, deleteMany removes keys', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const ns = net.netnsInode(net.a);
	// Packets on lo of a namespace of our own, where nothing else talks.
	const traffic = () => net.exec(net.a, 'sh', ['-c', 'head -c 20000 /dev/zero | socat -u - UDP4-SENDTO:127.0.0.1:9']);
	const obj = new BpfObject(path.join(bpfDir(), 'nic.bpf.o'));
	try {
		obj.load();
		obj.attach();
		const stats = obj.map('nic_stats', nicKey, nicVal);
		// Every CPU's nic_cache slots taken by another key: packets go to nic_stats.
		const cache = obj.map('nic_cache', undefined, nicSlot);
		const other = Buffer.alloc(cache.valueStride);
		for (let cpu = 0; cpu < cache.cpus; cpu++) writeU32(other, cpu * cache.cpuStride + nicSlot.fields.key.offset + nicKey.fields.netns.offset, 1);
		const index = Buffer.alloc(4);
		for (let i = 0; i < cache.maxEntries; i++) {
			writeU32(index, 0, i);
			update(cache, index, other);
		}
		await traffic();
		assert.equal(loKeys(stats.readAll(), ns).length, 1, 'our lo has an entry');
		const drained = drain(stats);
		assert.equal(loKeys(drained, ns).length, 1, 'drain returned it');
		assert.equal(drained.cpus * drained.cpuStride, drained.valueStride, 'per-CPU values, one slot per possible CPU');
		assert.equal(loKeys(stats.readAll(), ns).length, 0, 'and took it out');
		await traffic();
		const [key] = loKeys(stats.readAll(), ns);
		assert.ok(key);
		stats.deleteMany(key, 1);
		stats.deleteMany(key, 1); // absent now: not an error
		assert.equal(loKeys(stats.readAll(), ns).length, 0);
	} finally {
		obj.close();
	}
	assert.deepEqual(await programsLeft(), []);
});

test('BpfObject: a read-only constant is set before load; a missing one is refused; open errors are BpfErrors', async (t) => {
	if (!(await requireBpf(t))) return;
	const obj = new BpfObject(path.join(bpfDir(), 'rtt.bpf.o'));
	try {
		obj.setConstant('targ_ms', Uint8Array.of(1));
		assert.throws(() => obj.setConstant('no_such_variable', Uint8Array.of(1)), /no read-only variable no_such_variable/);
		assert.throws(() => obj.setConstant('targ_ms', Uint8Array.of(1, 2)), /targ_ms is 1 bytes, got 2/);
	} finally {
		obj.close();
	}
	assert.throws(
		() => new BpfObject('/nonexistent/x.bpf.o'),
		(e: unknown) => e instanceof BpfError && e.op === 'bpf_object__open_file' && e.code === 'ENOENT',
	);
});

test('--ms: RTT histograms in milliseconds', async (t) => {
	if (!(await requireBpf(t))) return;
	const r = await runNettop(['--json', '--ms', '-n', '1', '-i', '0.1']);
	assert.equal(r.code, 0, r.stderr);
	assert.equal((JSON.parse(r.lines[0]!) as { rtt: { unit: string } }).rtt.unit, 'msecs');
});
