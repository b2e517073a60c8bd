// Reads one after another as one (a replay's -i N): each flow's or key's last value, closed flows kept, a reused slot holding both flows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spanTcp, tcpRows, type TcpFlow, type TcpSnapshot } from '../../source/features/tcp/model.js';
import { spanRtt, type RttSnapshot } from '../../source/features/rtt/snapshot.js';
import { joined, unionBy, unionMaps } from '../../source/model/span.js';

const flow = (cookie: number, pid = 1): TcpFlow => Object.freeze({ cookie, proto: 'tcp', cgroupId: 0, pid, comm: 'c', netns: 1, family: 4, laddr: '10.0.0.1', lport: cookie, raddr: '10.0.0.2', rport: 80 }) as TcpFlow;

function tcp(entries: readonly [slot: number, f: TcpFlow, tx: number][]): TcpSnapshot {
	return { count: entries.length, slot: Uint32Array.from(entries.map((e) => e[0])), flows: entries.map((e) => e[1]), tx: Float64Array.from(entries.map((e) => e[2])), rx: new Float64Array(entries.length), lost: 0 };
}

test('TCP reads as one: a flow closed meanwhile counts to its last bytes, a slot reused by another flow holds both', () => {
	const [a, b, c] = [flow(1), flow(2), flow(3)];
	const before = tcp([[0, a, 100], [5, b, 10]]);
	// b closes after the first read (its slot freed), c takes slot 5; a moves on.
	const reads = [tcp([[0, a, 150], [5, b, 30]]), tcp([[0, a, 180], [5, c, 7]]), tcp([[0, a, 200], [5, c, 9]])];
	const one = spanTcp(reads);
	assert.deepEqual([...one.slot], [0, 5, 5]);
	assert.deepEqual(one.flows, [a, b, c]);
	const rows = tcpRows(before, one, { pids: new Set(), ports: new Set() });
	const moved = new Map(rows.flows.map((f, i) => [f.cookie, rows.tx[i]]));
	// What three one-read intervals count: a 50+30+20, b 20 then gone, c 7 (new) then 2.
	assert.deepEqual(moved, new Map([[1, 100], [2, 20], [3, 9]]));
	assert.equal(spanTcp([before]), before, 'one read is itself');
});

test('RTT reads as one: each flow\'s last histogram, packed anew', () => {
	const snap = (entries: readonly [slot: number, f: TcpFlow, lo: number, hist: number[]][]): RttSnapshot => {
		const histAt = [0];
		for (const e of entries) histAt.push(histAt.at(-1)! + e[3].length);
		return {
			unit: 'usecs', count: entries.length, slot: Uint32Array.from(entries.map((e) => e[0])), flows: entries.map((e) => e[1]),
			samples: Float64Array.from(entries.map((e) => e[3].reduce((n, x) => n + x, 0))), sum: Float64Array.from(entries.map((e) => e[3].length * 10)),
			hist: Uint32Array.from(entries.flatMap((e) => e[3])), histAt: Uint32Array.from(histAt), histLo: Uint8Array.from(entries.map((e) => e[2])), lost: 0,
		};
	};
	const [a, b] = [flow(1), flow(2)];
	const one = spanRtt([snap([[1, a, 3, [1]], [2, b, 4, [2, 3]]]), snap([[1, a, 3, [4, 5, 6]]])]);
	assert.deepEqual([...one.slot], [1, 2]);
	assert.deepEqual([[...one.histAt], [...one.histLo], [...one.hist], [...one.samples]], [[0, 3, 5], [3, 4], [4, 5, 6, 2, 3], [15, 5]]);
});

test('maps and lists read as one: last values, keys gone kept; drained lists one after another', () => {
	const m = unionMaps([new Map([['x', 1], ['y', 2]]), new Map([['x', 3]])]);
	assert.deepEqual([...m], [['x', 3], ['y', 2]]);
	assert.deepEqual(unionBy([[{ k: 'q', n: 1 }, { k: 'r', n: 1 }], [{ k: 'q', n: 2 }]], (e) => e.k), [{ k: 'q', n: 2 }, { k: 'r', n: 1 }]);
	assert.deepEqual(joined([[1, 2], [], [3]]), [1, 2, 3]);
});
