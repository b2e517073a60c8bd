// Decoding tcp, rtt and retrans map bytes: keys, flow ids (IPv4, IPv6, IPv4-mapped), owners, slots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as L from '../../native/layouts.js';
import type { MapEntries } from '../../native/map.js';
import { decodeFlowId, ipv6, RENDERED } from '../../source/collectors/flows.js';
import { decodeRetransEvent } from '../../source/collectors/retrans.js';
import { decodeRttFlow } from '../../source/collectors/rtt.js';
import { decodeTcpFlow } from '../../source/collectors/tcp.js';

/** Writes a struct nt_flow_id into `buf` at `base`. */
function flowId(buf: Buffer, base: number, family: number, laddr: number[], raddr: number[], lport: number, rport: number, netns: number): void {
	const f = L.flowId.fields;
	Buffer.from(laddr).copy(buf, base + f.laddr.offset);
	Buffer.from(raddr).copy(buf, base + f.raddr.offset);
	buf.writeUInt32LE(netns, base + f.netns.offset);
	buf.writeUInt16LE(family, base + f.family.offset);
	buf.writeUInt16LE(lport, base + f.lport.offset);
	buf.writeUInt16LE(rport, base + f.rport.offset);
}

const mapped = (a: number, b: number, c: number, d: number) => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d];
const v6 = [0xfd, 0x6e, 0x74, 0x74, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

function entries(keySize: number, valueSize: number, count: number): MapEntries {
	return { count, keys: Buffer.alloc(keySize * count), values: Buffer.alloc(valueSize * count), keySize, valueStride: valueSize, cpuStride: valueSize, cpus: 1 };
}

test('flow ids: IPv4, IPv6, and IPv4-mapped IPv6 shown as IPv4', () => {
	const buf = Buffer.alloc(L.flowId.size * 3);
	flowId(buf, 0, 2, [10, 0, 0, 1], [10, 0, 0, 2], 40000, 443, 7);
	flowId(buf, L.flowId.size, 10, v6, [0xfd, 0x6e, 0x74, 0x74, ...new Array(11).fill(0), 2], 22, 50000, 8);
	flowId(buf, 2 * L.flowId.size, 10, mapped(192, 0, 2, 1), mapped(192, 0, 2, 9), 80, 1234, 9);
	assert.deepEqual(decodeFlowId(buf, 0), { netns: 7, family: 4, laddr: '10.0.0.1', lport: 40000, raddr: '10.0.0.2', rport: 443 });
	assert.deepEqual(decodeFlowId(buf, L.flowId.size), { netns: 8, family: 6, laddr: 'fd6e:7474::1', lport: 22, raddr: 'fd6e:7474::2', rport: 50000 });
	assert.deepEqual(decodeFlowId(buf, 2 * L.flowId.size), { netns: 9, family: 4, laddr: '192.0.2.1', lport: 80, raddr: '192.0.2.9', rport: 1234 });
});

test('IPv6 text follows RFC 5952', () => {
	const hex = (s: string) => Buffer.from(s.replace(/:/g, ''), 'hex');
	assert.equal(ipv6(hex('2001:0db8:0000:0000:0000:0000:0000:0001'), 0), '2001:db8::1');
	assert.equal(ipv6(hex('2001:0db8:0000:0001:0000:0000:0000:0001'), 0), '2001:db8:0:1::1', 'the longer zero run');
	assert.equal(ipv6(hex('2001:0db8:0001:0001:0001:0000:0001:0001'), 0), '2001:db8:1:1:1:0:1:1', 'one zero group stays');
	assert.equal(ipv6(Buffer.alloc(16), 0), '::');
});

test('tcp_vals: the cookie, pid, flow and comm made printable', () => {
	const v = Buffer.alloc(L.tcpVal.size);
	v.writeBigUInt64LE(123456789n, L.tcpVal.fields.cookie.offset);
	v.writeUInt32LE(4242, L.tcpVal.fields.pid.offset);
	flowId(v, L.tcpVal.fields.id.offset, 2, [127, 0, 0, 1], [127, 0, 0, 1], 5000, 6000, 1);
	Buffer.from('evil\x1b[2J\x07').copy(v, L.tcpVal.fields.comm.offset);
	// Nothing rendered yet: --json encodes a flow's fields on it the first time it writes them.
	assert.deepEqual({ ...decodeTcpFlow(v, 0) }, { cookie: 123456789, pid: 4242, comm: 'evil?[2J?', netns: 1, family: 4, laddr: '127.0.0.1', lport: 5000, raddr: '127.0.0.1', rport: 6000, [RENDERED]: undefined });
});

test('rtt_vals: the cookie and owner of a slot; no comm before the owner is known', () => {
	const v = Buffer.alloc(L.rttVal.size * 2);
	const f = L.rttVal.fields;
	v.writeBigUInt64LE(99n, f.cookie.offset);
	v.writeUInt32LE(77, f.pid.offset);
	Buffer.from('nginx').copy(v, f.comm.offset);
	const c = decodeRttFlow(v, 0);
	assert.deepEqual([c.cookie, c.pid, c.comm], [99, 77, 'nginx']);
	v.writeBigUInt64LE(100n, L.rttVal.size + f.cookie.offset);
	Buffer.from('stale').copy(v, L.rttVal.size + f.comm.offset);
	const unowned = decodeRttFlow(v, L.rttVal.size);
	assert.deepEqual([unowned.cookie, unowned.pid, unowned.comm], [100, 0, '']);
});

test('retrans events: monotonic stamp to wall time, kind and state names', () => {
	const r = Buffer.alloc(L.retransEvent.size);
	const f = L.retransEvent.fields;
	r.writeBigUInt64LE(5_000_000_000n, f.ts_ns.offset);
	r.writeUInt32LE(31, f.pid.offset);
	Buffer.from('iperf3').copy(r, f.comm.offset);
	r.writeUInt32LE(4, f.segs.offset);
	r.writeUInt8(1, f.state.offset);
	r.writeUInt8(1, f.kind.offset);
	flowId(r, f.id.offset, 2, [10, 0, 0, 1], [10, 0, 0, 2], 1, 2, 3);
	const e = decodeRetransEvent(r, 1_000_000);
	assert.deepEqual([e.time, e.pid, e.comm, e.segs, e.state, e.kind, e.raddr], [1_005_000, 31, 'iperf3', 4, 'ESTABLISHED', 'tlp', '10.0.0.2']);
	r.writeUInt8(12, f.state.offset);
	r.writeUInt8(3, f.kind.offset);
	const s = decodeRetransEvent(r, 0);
	assert.deepEqual([s.state, s.kind], ['NEW_SYN_RECV', 'synack']);
});
