// The latency collector: nothing loaded until wanted, loaded while its tab is shown, unloaded after, counters carried over loads; records decoded.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decodePacket, LatencyCollector, type Loaded } from '../../../source/features/latency/collector.js';
import { CUT, flowSlot, GATE_SLOTS, latPacket, segSlot, skbSlot } from '../../../source/features/latency/layouts.js';
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
	sweep(): Buffer[] {
		return [];
	}
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

test('records of cut packets: timed ones are packets (their segments counted), those with no qdisc time and those swept are not followed', async () => {
	const f = latPacket.fields;
	const record = (flags: number, qdiscNs: bigint) => {
		const r = Buffer.alloc(latPacket.size);
		[500n, qdiscNs, 0xffffffffffffffffn, 0xffffffffffffffffn].forEach((ns, i) => r.writeBigUInt64LE(ns, f.stage_ns.offset + i * 8));
		r.writeUInt16LE(45, f.segs.offset);
		r.writeUInt8(flags, f.flags.offset);
		return r;
	};
	const NONE = 0xffffffffffffffffn;
	class Cut extends FakeLoad {
		override packets(): Buffer[] {
			return [record(CUT, 2_000_000n), record(CUT, NONE), record(0, 1000n)];
		}
		override sweep(): Buffer[] {
			return [record(CUT, NONE)];
		}
	}
	const c = new LatencyCollector(async () => new Cut(), true, 1);
	c.show(true, undefined);
	await c.settled();
	const s = read(c);
	assert.deepEqual(s.packets.map((p) => [p.segmented, p.segments, p.stages.qdisc]), [[true, 45, 2000], [false, 45, 1]]);
	assert.deepEqual(s.unfollowed.map((p) => [p.segmented, p.stages.stack, p.stages.qdisc]), [[true, 0.5, null], [true, 0.5, null]]);
	c.close();
});

// bpf/latency.h's gate slot macros, transcribed with BigInt so that C's unsigned
// 32-bit arithmetic is spelled out (no JavaScript int32 shortcuts):
//   #define LAT_GATE_BITS 10
//   #define LAT_HASH(x) (((__u32)(x) * 0x9E3779B9U) >> (32 - LAT_GATE_BITS))
//   #define LAT_SKB_SLOT(lo) LAT_HASH((__u32)(lo) >> 6)
//   #define LAT_FLOW_SLOT(lport, rport) LAT_HASH(((__u32)(lport) << 16) | (rport))
// skb_slot() (bpf/latency.bpf.c) passes LAT_SKB_SLOT the pointer's low 32 bits,
// (__u32)(unsigned long)skb; the receive side passes LAT_FLOW_SLOT a TCP
// connection's host-order __u16 ports.
const LAT_GATE_BITS = 10n;
const u32 = (x: bigint) => x & 0xffff_ffffn; // (__u32)(x): keep the low 32 bits
const LAT_HASH = (x: bigint) => u32(u32(x) * 0x9e37_79b9n) >> (32n - LAT_GATE_BITS);
const LAT_SKB_SLOT = (lo: bigint) => LAT_HASH(u32(lo) >> 6n);
const LAT_FLOW_SLOT = (lport: bigint, rport: bigint) => LAT_HASH(u32(u32(lport) << 16n) | rport);
const cSkbSlot = (skb: bigint) => Number(LAT_SKB_SLOT(u32(skb))); // skb_slot(): (__u32)(unsigned long)skb
const cFlowSlot = (lport: number, rport: number) => Number(LAT_FLOW_SLOT(BigInt(lport), BigInt(rport)));
const cSegSlot = (hash: bigint) => Number(LAT_HASH(hash)); // LAT_SEG_SLOT(skb->hash), a __u32

/** splitmix64 from a fixed seed: the same "random" inputs every run. */
function* splitmix64(seed: bigint): Generator<bigint> {
	const M = (1n << 64n) - 1n;
	let s = seed;
	for (;;) {
		s = (s + 0x9e37_79b9_7f4a_7c15n) & M;
		let z = s;
		z = ((z ^ (z >> 30n)) * 0xbf58_476d_1ce4_e5b9n) & M;
		z = ((z ^ (z >> 27n)) * 0x94d0_49bb_1331_11ebn) & M;
		yield z ^ (z >> 31n);
	}
}

test('gate slots as bpf/latency.h computes them (LAT_SKB_SLOT, LAT_FLOW_SLOT: the C expressions, over many inputs)', () => {
	// The reference above is these lines of the header: if they change, so must it.
	const header = readFileSync(new URL('../../../../bpf/latency.h', import.meta.url), 'utf8');
	for (const line of [
		'#define LAT_GATE_BITS 10',
		'#define LAT_GATE_SLOTS (1 << LAT_GATE_BITS)',
		'#define LAT_HASH(x) (((__u32)(x) * 0x9E3779B9U) >> (32 - LAT_GATE_BITS))',
		'#define LAT_SKB_SLOT(lo) LAT_HASH((__u32)(lo) >> 6)',
		'#define LAT_FLOW_SLOT(lport, rport) LAT_HASH(((__u32)(lport) << 16) | (rport))',
		'#define LAT_SEG_SLOT(hash) LAT_HASH(hash)',
	])
		assert.ok(header.split('\n').includes(line), `bpf/latency.h: ${line}`);
	assert.equal(GATE_SLOTS, 1 << Number(LAT_GATE_BITS));

	const rand = splitmix64(0x6e65_7474_6f70n);
	const next = () => rand.next().value as bigint;
	// skb addresses: two seen on a test box, the edges of the bits used (the low 32,
	// of which the 6 lowest are dropped), then direct-map-like addresses
	// (0xffff8880_00000000 + a 64-byte-aligned offset) and any 64-bit numbers.
	const skbs = [0xffff888146672e00n, 0xffff88810ea09300n, 0n, 1n, 0x3fn, 0x40n, 0x7fff_ffc0n, 0x8000_0000n, 0xffff_ffffn, 1n << 32n, (1n << 64n) - 1n];
	for (let i = 0; i < 300; i++) skbs.push(0xffff_8880_0000_0000n + ((next() & 0x3f_ffff_ffffn) & ~0x3fn));
	for (let i = 0; i < 300; i++) skbs.push(next());
	for (const skb of skbs) assert.equal(skbSlot(skb), cSkbSlot(skb), `skb 0x${skb.toString(16)}`);
	// Port pairs: one seen on a test box, the edges (lport's top bit is the
	// 32-bit word's sign bit), then any pairs.
	const ports: [number, number][] = [[7402, 40000], [0, 0], [0, 1], [1, 0], [65535, 65535], [32767, 65535], [32768, 0], [0, 32768], [65535, 0]];
	for (let i = 0; i < 500; i++) {
		const r = next();
		ports.push([Number(r & 0xffffn), Number((r >> 16n) & 0xffffn)]);
	}
	for (const [lport, rport] of ports) assert.equal(flowSlot(lport, rport), cFlowSlot(lport, rport), `ports ${lport} ${rport}`);
	// skb hashes: one seen on a test box, the edges of a __u32 (its top bit is int32's sign), then any.
	const hashes = [0xc9b2b088n, 0n, 1n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn];
	for (let i = 0; i < 300; i++) hashes.push(next() & 0xffff_ffffn);
	for (const hash of hashes) assert.equal(segSlot(Number(hash)), cSegSlot(hash), `hash 0x${hash.toString(16)}`);
	// The inputs reach many slots (a reference stuck at one value would agree with a broken TS only by chance), all in range.
	const slots = [...skbs.map(cSkbSlot), ...ports.map(([l, r]) => cFlowSlot(l, r))];
	assert.ok(new Set(slots).size > 500, `${new Set(slots).size} distinct slots`);
	for (const s of [...slots, skbSlot(0n), skbSlot(2n ** 64n - 1n), flowSlot(65535, 65535)]) assert.ok(Number.isInteger(s) && s >= 0 && s < GATE_SLOTS);
});
