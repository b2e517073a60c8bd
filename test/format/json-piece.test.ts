// A flow's JSON text as the tcp and RTT writers cache it: flowJson's fields, byte for byte, written without the objects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowJsonCache, flowJson, unclosedObject } from '../../source/format/json-piece.js';
import { socketRow, type SocketFlow } from '../../source/model/flow.js';

const BASE: SocketFlow = { cookie: 1, proto: 'tcp', pid: 42, comm: 'curl', cgroupId: 0, netns: 7, family: 4, laddr: '10.0.0.1', lport: 40000, raddr: '10.0.0.2', rport: 443 };

test('FlowJsonCache: each flow\'s text is what flowJson of its row gives, byte for byte: owners, names, IPv6, a UDP socket with no peer, a comm to escape', () => {
	const names = new Map([[7, 'web "a"']]);
	const flows: SocketFlow[] = [
		BASE,
		{ ...BASE, cookie: 2, pid: 0, comm: '' },
		{ ...BASE, cookie: 3, netns: 8 },
		{ ...BASE, cookie: 4, family: 6, laddr: 'fd00::1', raddr: '::ffff:10.0.0.2' },
		{ ...BASE, cookie: 5, proto: 'udp', rport: 0, raddr: '0.0.0.0' },
		{ ...BASE, cookie: 6, proto: 'udp', rport: 53 },
		{ ...BASE, cookie: 7, comm: 'a\\b"c\u0001' },
	];
	const cache = new FlowJsonCache();
	for (const f of flows) {
		assert.equal(Buffer.from(cache.get(f, names)).toString('utf8'), `${unclosedObject(flowJson(socketRow(f), names))},`, `cookie ${f.cookie}`);
	}
});
