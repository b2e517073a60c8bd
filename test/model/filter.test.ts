// The filter every per-connection output applies: PIDs, ports, family, loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFiltering, matches, NO_FILTER } from '../../source/model/filter.js';

const flow = (over: Partial<{ pid: number; lport: number; rport: number; family: 4 | 6; laddr: string; raddr: string }> = {}) => ({
	pid: 1,
	lport: 40000,
	rport: 443,
	family: 4 as const,
	laddr: '10.0.0.1',
	raddr: '10.0.0.2',
	...over,
});

test('noLoopback leaves out 127/8, ::1 and connections to their own address; the rest pass', () => {
	const f = { ...NO_FILTER, noLoopback: true };
	assert.equal(isFiltering(f), true);
	assert.equal(isFiltering({ ...NO_FILTER, noLoopback: false }), false);
	assert.deepEqual(
		[flow(), flow({ raddr: '127.0.0.1', laddr: '127.0.0.1' }), flow({ family: 6, laddr: '::1', raddr: '::1' }), flow({ raddr: '10.0.0.1' })].map((x) => matches(f, x)),
		[true, false, false, false],
	);
	assert.equal(matches(NO_FILTER, flow({ raddr: '127.0.0.1' })), true, 'kept without the filter');
});
