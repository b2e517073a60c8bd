// The connections collector's decoding: events by type with their reasons, lifetimes and bytes; per-CPU counts summed modulo 2^64.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeConnEvent, decodeCounts, failReason } from '../../../source/features/conns/collector.js';
import { connCounts, connEvent } from '../../../source/features/conns/layouts.js';
import { writeFlowId as flowId } from '../../helpers/flow-bytes.js';

function record(type: number, over: { flags?: number; err?: number; dir?: number; state?: number } = {}): Buffer {
	const r = Buffer.alloc(connEvent.size);
	const f = connEvent.fields;
	r.writeBigUInt64LE(7_000_000_000n, f.ts_ns.offset);
	r.writeBigUInt64LE(1_500_000_000n, f.duration_ns.offset);
	r.writeBigUInt64LE(4000n, f.tx_bytes.offset);
	r.writeBigUInt64LE(2007n, f.rx_bytes.offset);
	r.writeUInt32LE(42, f.pid.offset);
	Buffer.from('curl').copy(r, f.comm.offset);
	r.writeUInt32LE(85, f.latency_us.offset);
	r.writeUInt16LE(over.err ?? 0, f.err.offset);
	r.writeUInt8(type, f.type.offset);
	r.writeUInt8(over.dir ?? 1, f.dir.offset);
	r.writeUInt8(over.state ?? 1, f.state.offset);
	r.writeUInt8(over.flags ?? 0, f.flags.offset);
	flowId(r, f.id.offset, 2, [10, 0, 0, 1], [10, 0, 0, 2], 40000, 443, 9);
	return r;
}

test('conn events: each type with the fields it carries', () => {
	const connect = decodeConnEvent(record(0), 1_000);
	assert.deepEqual([connect.type, connect.direction, connect.time, connect.pid, connect.comm, connect.latencyUs, connect.raddr, connect.rport], ['connect', 'connect', 8_000, 42, 'curl', 85, '10.0.0.2', 443]);
	const close = decodeConnEvent(record(2, { flags: 2, state: 9 }), 0);
	assert.deepEqual([close.type, close.durationMs, close.txBytes, close.rxBytes, close.abort, close.state], ['close', 1500, 4000, 2007, false, 'LAST_ACK']);
	const unseen = decodeConnEvent(record(2, { flags: 8, dir: 0 }), 0);
	assert.deepEqual([unseen.durationMs, unseen.abort, unseen.direction], [undefined, true, undefined], 'a close whose start nettop did not see has no lifetime');
	assert.equal(decodeConnEvent(record(3, { err: 111 }), 0).reason, 'refused');
	assert.equal(decodeConnEvent(record(1, { dir: 2 }), 0).direction, 'accept');
	const rst = decodeConnEvent(record(5, { flags: 4, dir: 0 }), 0);
	assert.deepEqual([rst.type, rst.noSocket], ['reset_out', true]);
	assert.equal(decodeConnEvent(record(4), 0).type, 'reset_in');
});

test('why an open failed, in words', () => {
	assert.deepEqual(
		[failReason(111, 0), failReason(110, 0), failReason(113, 0), failReason(101, 0), failReason(104, 0), failReason(0, 0), failReason(99, 1), failReason(13, 0)],
		['refused', 'timed out', 'unreachable', 'unreachable', 'reset', 'closed by the application', 'no SYN sent', 'EACCES'],
	);
});

test('counts: per namespace, each counter summed over the CPUs modulo 2^64 (a CPU that took a connect back may sit below zero)', () => {
	const cpus = 2;
	const stride = connCounts.size;
	const keys = Buffer.alloc(8);
	keys.writeUInt32LE(111, 0);
	keys.writeUInt32LE(222, 4);
	const values = Buffer.alloc(2 * cpus * stride);
	const at = (entry: number, cpu: number, name: keyof typeof connCounts.fields) => (entry * cpus + cpu) * stride + connCounts.fields[name].offset;
	values.writeBigUInt64LE(5n, at(0, 0, 'active_opens'));
	values.writeBigUInt64LE(2n ** 64n - 1n, at(0, 1, 'active_opens')); // -1: a connect that never sent its SYN, taken back on another CPU
	values.writeBigUInt64LE(3n, at(0, 1, 'out_rsts'));
	values.writeBigUInt64LE(7n, at(1, 0, 'passive_opens'));
	const counts = decodeCounts({ count: 2, keys, values, keySize: 4, valueStride: cpus * stride, cpuStride: stride, cpus });
	assert.deepEqual(counts.get(111), { active_opens: 4, passive_opens: 0, attempt_fails: 0, estab_resets: 0, out_rsts: 3, in_rsts: 0 });
	assert.equal(counts.get(222)!.passive_opens, 7);
});
