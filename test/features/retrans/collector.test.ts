// The retransmit collector's decoding: a struct nt_retrans_event to an event with wall time, owner, kind and state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRetransEvent } from '../../../source/features/retrans/collector.js';
import { retransEvent } from '../../../source/features/retrans/layouts.js';
import { writeFlowId as flowId } from '../../helpers/flow-bytes.js';

test('retrans events: monotonic stamp to wall time, kind and state names', () => {
	const r = Buffer.alloc(retransEvent.size);
	const f = retransEvent.fields;
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
