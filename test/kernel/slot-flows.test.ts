// Decoding the flows slot tables hold: flow ids (IPv4, IPv6, IPv4-mapped), owners, names made printable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rttVal } from '../../source/features/rtt/layouts.js';
import { tcpVal } from '../../source/features/tcp/layouts.js';
import { flowId as flowIdLayout } from '../../source/kernel/layouts.js';
import { decodeFlowId, decodeSocketFlow, ipv6 } from '../../source/kernel/slot-flows.js';
import { writeFlowId as flowId } from '../helpers/flow-bytes.js';

const mapped = (a: number, b: number, c: number, d: number) => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d];
const v6 = [0xfd, 0x6e, 0x74, 0x74, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

test('flow ids: IPv4, IPv6, and IPv4-mapped IPv6 shown as IPv4', () => {
	const buf = Buffer.alloc(flowIdLayout.size * 3);
	flowId(buf, 0, 2, [10, 0, 0, 1], [10, 0, 0, 2], 40000, 443, 7);
	flowId(buf, flowIdLayout.size, 10, v6, [0xfd, 0x6e, 0x74, 0x74, ...new Array(11).fill(0), 2], 22, 50000, 8);
	flowId(buf, 2 * flowIdLayout.size, 10, mapped(192, 0, 2, 1), mapped(192, 0, 2, 9), 80, 1234, 9);
	assert.deepEqual(decodeFlowId(buf, 0), { netns: 7, family: 4, laddr: '10.0.0.1', lport: 40000, raddr: '10.0.0.2', rport: 443 });
	assert.deepEqual(decodeFlowId(buf, flowIdLayout.size), { netns: 8, family: 6, laddr: 'fd6e:7474::1', lport: 22, raddr: 'fd6e:7474::2', rport: 50000 });
	assert.deepEqual(decodeFlowId(buf, 2 * flowIdLayout.size), { netns: 9, family: 4, laddr: '192.0.2.1', lport: 80, raddr: '192.0.2.9', rport: 1234 });
});

test('IPv6 text follows RFC 5952', () => {
	const hex = (s: string) => Buffer.from(s.replace(/:/g, ''), 'hex');
	assert.equal(ipv6(hex('2001:0db8:0000:0000:0000:0000:0000:0001'), 0), '2001:db8::1');
	assert.equal(ipv6(hex('2001:0db8:0000:0001:0000:0000:0000:0001'), 0), '2001:db8:0:1::1', 'the longer zero run');
	assert.equal(ipv6(hex('2001:0db8:0001:0001:0001:0000:0001:0001'), 0), '2001:db8:1:1:1:0:1:1', 'one zero group stays');
	assert.equal(ipv6(Buffer.alloc(16), 0), '::');
});

test('tcp_vals: the cookie, pid, flow and comm made printable', () => {
	const v = Buffer.alloc(tcpVal.size);
	v.writeBigUInt64LE(123456789n, tcpVal.fields.cookie.offset);
	v.writeUInt32LE(4242, tcpVal.fields.pid.offset);
	flowId(v, tcpVal.fields.id.offset, 2, [127, 0, 0, 1], [127, 0, 0, 1], 5000, 6000, 1);
	Buffer.from('evil\x1b[2J\x07').copy(v, tcpVal.fields.comm.offset);
	// Exactly these fields: what outputs keep of a flow (--json's encoded text) they keep themselves.
	assert.deepEqual(decodeSocketFlow(v, 0, tcpVal), { cookie: 123456789, proto: 'tcp', cgroupId: 0, pid: 4242, comm: 'evil?[2J?', netns: 1, family: 4, laddr: '127.0.0.1', lport: 5000, raddr: '127.0.0.1', rport: 6000 });
});

test('rtt_vals: the cookie and owner of a slot; no comm before the owner is known', () => {
	const v = Buffer.alloc(rttVal.size * 2);
	const f = rttVal.fields;
	v.writeBigUInt64LE(99n, f.cookie.offset);
	v.writeUInt32LE(77, f.pid.offset);
	Buffer.from('nginx').copy(v, f.comm.offset);
	const c = decodeSocketFlow(v, 0, rttVal, false);
	assert.deepEqual([c.cookie, c.pid, c.comm], [99, 77, 'nginx']);
	v.writeBigUInt64LE(100n, rttVal.size + f.cookie.offset);
	Buffer.from('stale').copy(v, rttVal.size + f.comm.offset);
	const unowned = decodeSocketFlow(v, rttVal.size, rttVal, false);
	assert.deepEqual([unowned.cookie, unowned.pid, unowned.comm], [100, 0, '']);
});
