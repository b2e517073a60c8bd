// native/ against the real kernel: read, drain and delete map entries; read-only constants; --ms.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { kernelBtfHeld, kernelBtfLoaded, kernelHasTracepoint, kernelTracepointArgs, preloadKernelBtf, releaseKernelBtf } from '../../native/btf.js';
import { BpfError } from '../../native/errors.js';
import { nicKey, nicSlot, nicVal } from '../../source/features/nic/layouts.js';
import { BpfObject } from '../../native/object.js';
import { u32, writeU32 } from '../../source/kernel/decode.js';
import { bpfDir } from '../../source/kernel/objects.js';
import { requireBpf } from '../helpers/bpf.js';
import { run } from '../helpers/exec.js';
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

test('kernel BTF: parsed ahead on a worker thread, it answers as a parse on the spot does; freed, it is parsed again', async (t) => {
	if (!(await requireBpf(t))) return;
	releaseKernelBtf();
	const onTheSpot = [kernelHasTracepoint('net_dev_start_xmit'), kernelHasTracepoint('nettop_no_such_tracepoint'), kernelTracepointArgs('kfree_skb')];
	assert.deepEqual(onTheSpot.slice(0, 2), [true, false]);
	assert.ok((onTheSpot[2] as number) >= 2, 'kfree_skb passes at least skb and location');
	releaseKernelBtf();
	assert.equal(kernelBtfHeld(), false, 'freed');
	preloadKernelBtf();
	preloadKernelBtf(); // a second call while the first parses starts nothing more
	await kernelBtfLoaded();
	assert.equal(kernelBtfHeld(), true, 'held once the preload is done, before any use parsed it');
	assert.deepEqual([kernelHasTracepoint('net_dev_start_xmit'), kernelHasTracepoint('nettop_no_such_tracepoint'), kernelTracepointArgs('kfree_skb')], onTheSpot);
	releaseKernelBtf();
	await kernelBtfLoaded(); // nothing pending: returns at once
	assert.equal(kernelBtfHeld(), false, 'no preload pending: nothing parsed');
	assert.equal(kernelHasTracepoint('net_dev_start_xmit'), true);
	releaseKernelBtf();
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

test('--ms: RTT histograms in milliseconds, named so in JSON', async (t) => {
	if (!(await requireBpf(t))) return;
	const r = await runNettop(['--json', '--ms', '-n', '1', '-i', '0.1']);
	assert.equal(r.code, 0, r.stderr);
	assert.deepEqual(Object.keys((JSON.parse(r.lines[0]!) as { rtt: object }).rtt).slice(0, 6), ['count', 'sum_ms', 'avg_ms', 'p50_ms', 'p90_ms', 'p99_ms']);
});

/** kernel.bpf_stats_enabled set to `value` while `body` runs, then put back. */
async function withBpfStats<T>(value: '0' | '1', body: () => Promise<T>): Promise<T> {
	const before = (await run('sysctl', ['-n', 'kernel.bpf_stats_enabled'])).stdout.trim();
	await run('sysctl', ['-w', `kernel.bpf_stats_enabled=${value}`]);
	try {
		return await body();
	} finally {
		await run('sysctl', ['-w', `kernel.bpf_stats_enabled=${before}`]);
	}
}

test('programStats: each program\'s run count, run time and recursion misses are the kernel\'s (bpftool prog show)', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	await withBpfStats('1', async () => {
		const obj = new BpfObject(path.join(bpfDir(), 'nic.bpf.o'));
		try {
			obj.load();
			obj.attach();
			await net.exec(net.a, 'sh', ['-c', 'head -c 20000 /dev/zero | socat -u - UDP4-SENDTO:127.0.0.1:9']);
			await run('sysctl', ['-w', 'kernel.bpf_stats_enabled=0']); // the counts stand still while compared
			const mine = obj.programStats();
			const shown = JSON.parse((await run('bpftool', ['prog', 'show', '--json'])).stdout) as { name?: string; run_cnt?: number; run_time_ns?: number; recursion_misses?: number }[];
			assert.deepEqual(mine.map((p) => p.name).sort(), ['nt_nic_rx', 'nt_nic_tx']);
			for (const p of mine) {
				const k = shown.filter((s) => s.name === p.name);
				assert.equal(k.length, 1, `one ${p.name} loaded`);
				assert.equal(p.runCount, k[0]!.run_cnt ?? 0, `${p.name} run_cnt`);
				assert.equal(p.runTimeNs, k[0]!.run_time_ns ?? 0, `${p.name} run_time_ns`);
				assert.equal(p.recursionMisses, k[0]!.recursion_misses ?? 0, `${p.name} recursion_misses`);
			}
			assert.ok(mine.find((p) => p.name === 'nt_nic_tx')!.runCount >= 1, 'the program ran for the packets sent');
		} finally {
			obj.close();
		}
	});
});

test('--cost: nettop\'s CPU always, its programs\' kernel time only while the kernel times them', async (t) => {
	if (!(await requireBpf(t))) return;
	for (const stats of ['0', '1'] as const) {
		const r = await withBpfStats(stats, () => runNettop(['--json', '--cost', '-i', '0.3', '-n', '2']));
		assert.equal(r.code, 0, r.stderr);
		const cost = (JSON.parse(r.lines.at(-1)!) as { cost: { cpu: number; bpf: number | null } }).cost;
		assert.ok(cost.cpu > 0 && cost.cpu < 2, `cpu ${cost.cpu}`);
		if (stats === '0') assert.equal(cost.bpf, null, 'untimed: null, not 0');
		else assert.ok(typeof cost.bpf === 'number' && cost.bpf >= 0, `bpf ${cost.bpf}`);
	}
	const plain = await runNettop(['--json', '-i', '0.3', '-n', '1']);
	assert.ok(!('cost' in JSON.parse(plain.lines[0]!)), 'only on request');
});
