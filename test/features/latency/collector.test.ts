// The latency collector: nothing loaded until wanted, loaded while its tab is shown, unloaded after, counters carried over loads; records decoded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePacket, LatencyCollector, type Loaded } from '../../../source/features/latency/collector.js';
import { flowSlot, GATE_SLOTS, latPacket, skbSlot } from '../../../source/features/latency/layouts.js';
import type { LatencyCounts, LatencySnapshot } from '../../../source/features/latency/model.js';
import { isUnavailable } from '../../../source/model/reading.js';
import { writeFlowId } from '../../helpers/flow-bytes.js';

class FakeLoad implements Loaded {
	closed = false;
	rate = 0;
	counted: LatencyCounts = { sampled: [5, 6], unmatched: [1, 2] };
	readonly obj = { programStats: () => [{ name: 'nt_lat_queue', runTimeNs: 100, runCount: 10, recursionMisses: 1 }] };
	set every(every: number) {
		this.rate = every;
	}
	packets(): Buffer[] {
		return [];
	}
	counts(): LatencyCounts {
		return this.counted;
	}
	lostCount(): number {
		return 3;
	}
	sweep(): void {}
	close(): void {
		this.closed = true;
	}
}

const read = (c: LatencyCollector) => {
	const s = c.read(0);
	assert.ok(!isUnavailable(s));
	return s as LatencySnapshot;
};

test('nothing loads until the tab is shown; shown: loads at the flag\'s rate, then the tab\'s; hidden: unloads, its counters carried', async () => {
	const loads: FakeLoad[] = [];
	const c = new LatencyCollector(async () => loads[loads.push(new FakeLoad()) - 1]!, false, 64);
	assert.equal(read(c).state, 'off');
	c.show(false, {});
	assert.equal(loads.length, 0, 'another tab: nothing loaded');
	c.show(true, {});
	assert.equal(read(c).state, 'starting');
	await c.settled();
	assert.deepEqual([read(c).state, loads[0]!.rate], ['on', 64]);
	c.show(true, { every: 32 });
	assert.deepEqual([loads[0]!.rate, read(c).every], [32, 32]);
	c.show(false, { every: 32 });
	assert.equal(loads[0]!.closed, true, 'hidden: unloaded');
	const off = read(c);
	assert.deepEqual([off.state, off.counts, off.lost], ['off', { sampled: [5, 6], unmatched: [1, 2] }, 3], 'what it counted stays');
	assert.deepEqual(c.obj.programStats().map((p) => [p.runCount, p.recursionMisses]), [[10, 1]], 'and its programs\' runs');
	c.show(true, { every: 32 });
	await c.settled();
	assert.deepEqual(read(c).counts, { sampled: [10, 12], unmatched: [2, 4] }, 'a second load adds to the first');
	c.close();
	assert.equal(loads[1]!.closed, true);
});

test('a load that fails makes the collector unavailable, with the reason in one line; hidden while loading: closed once loaded', async () => {
	const failing = new LatencyCollector(async () => {
		throw new Error('no way to hook net_dev_queue\nmore');
	}, false, 64);
	failing.show(true, undefined);
	await failing.settled();
	assert.deepEqual(failing.read(0), { unavailable: 'no way to hook net_dev_queue' });
	const loads: FakeLoad[] = [];
	const slow = new LatencyCollector(async () => loads[loads.push(new FakeLoad()) - 1]!, false, 64);
	slow.show(true, undefined);
	slow.show(false, undefined);
	await slow.settled();
	assert.deepEqual([loads[0]!.closed, read(slow).state], [true, 'off']);
});

test('--latency: loaded before open returns, kept when the tab is hidden', async () => {
	const loads: FakeLoad[] = [];
	const c = new LatencyCollector(async () => loads[loads.push(new FakeLoad()) - 1]!, true, 8);
	c.show(true, undefined);
	await c.settled();
	c.show(false, undefined);
	assert.deepEqual([read(c).state, loads[0]!.closed, loads[0]!.rate], ['on', false, 8]);
});

test('a packet record: monotonic stamp to wall time, stages in microseconds, a stage not passed null', () => {
	const r = Buffer.alloc(latPacket.size);
	const f = latPacket.fields;
	r.writeBigUInt64LE(2_000_000_000n, f.ts_ns.offset);
	const stages = [1500n, 2_000_000n, 300n, 0xffffffffffffffffn];
	stages.forEach((ns, i) => r.writeBigUInt64LE(ns, f.stage_ns.offset + i * 8));
	writeFlowId(r, f.id.offset, 2, [10, 0, 0, 1], [10, 0, 0, 2], 5000, 80, 99);
	Buffer.from('nt0').copy(r, f.ifname.offset);
	r.writeUInt32LE(77, f.pid.offset);
	r.writeUInt16LE(3, f.queue.offset);
	r.writeUInt8(6, f.proto.offset);
	r.writeUInt8(1, f.flags.offset);
	const p = decodePacket(r, 1000);
	assert.deepEqual([p.time, p.dir, p.pid, p.ifname, p.queue, p.proto, p.laddr, p.rport, p.netns, p.paced], [3000, 'send', 77, 'nt0', 3, 'tcp', '10.0.0.1', 80, 99, true]);
	assert.deepEqual(p.stages, { stack: 1.5, qdisc: 2000, driver: 0.3, socket: null });
});

test('gate slots as bpf/latency.h computes them (LAT_SKB_SLOT, LAT_FLOW_SLOT: the values from the C expressions)', () => {
	assert.deepEqual([skbSlot(0xffff888146672e00n), skbSlot(0xffff88810ea09300n), flowSlot(7402, 40000)], [136, 736, 876]);
	for (const s of [skbSlot(0n), skbSlot(2n ** 64n - 1n), flowSlot(65535, 65535)]) assert.ok(s >= 0 && s < GATE_SLOTS);
});
