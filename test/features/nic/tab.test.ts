// The NIC tab with a node's 200 pods: a row per veth in every namespace, sorted, a page at a time as any list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nic } from '../../../source/features/nic/index.js';
import type { NicDelta } from '../../../source/features/nic/model.js';
import { nicTab } from '../../../source/features/nic/tab.js';
import { plainText } from '../../../source/format/lines.js';
import { human } from '../../../source/format/numbers.js';

/** Pod i's veth, eth0 in namespace 1000 + i (named cni-i), moving i kB a second; pod 0 has two queues. */
const pods: NicDelta[] = Array.from({ length: 200 }, (_, i) => ({ ifname: 'eth0', ifindex: 2, netns: 1000 + i, netns_name: `cni-${i}`, queue: 0, tx_bytes: 1000 * i, tx_packets: i, rx_bytes: 1000 * i, rx_packets: i }));
const view: NicDelta[] = [...pods, { ...pods[0]!, queue: 1, tx_bytes: 7, tx_packets: 1 }];
const props = { state: nicTab.initial, sort: 'total', seconds: 1, height: 12, width: 80, currentNetns: 1, unicode: false };

test('200 namespaces\' veths: sorted by traffic, the first page, and how many more', () => {
	const lines = nicTab.lines(view, props).map(plainText);
	assert.equal(lines.length, 12);
	assert.match(lines[1]!, /^eth0 +cni-199 /, 'the busiest first');
	assert.match(lines[11]!, /^\.\.\. 192 more rows/);
});

test('the cursor pages through every row, interfaces and their queues, as any list; the sort orders all of them', () => {
	assert.equal(nicTab.list!(view, props).length, 202, '200 interfaces and pod 0\'s two queues');
	const page = (at: number, sort = 'total') => nicTab.lines(view, { ...props, sort, cursor: { at } }).map(plainText);
	assert.match(page(15)[11]!, /^rows 11-20 of 202 \(Up\/Down, PgUp\/PgDn\)$/);
	assert.match(page(15)[1]!, /^eth0 +cni-189 /, 'row 11');
	const last = page(201);
	assert.match(last.at(-1)!, /^rows 201-202 of 202/);
	assert.match(last[1]!, /^ +0 /, 'pod 0\'s queues, last by traffic');
	assert.match(page(0, 'name')[1]!, /^eth0 +cni-0 /, 'by name, then namespace');
	assert.equal(nicTab.lines(view, { ...props, height: 1000, plain: true }).length, 203, 'a pipe gets every row');
});

test('the summary adds up every namespace', () => {
	const tx = pods.reduce((s, p) => s + p.tx_bytes, 7);
	assert.equal(nic.summary(view, 1)?.text, `${human(tx)} ${human(tx - 7)}`);
});
