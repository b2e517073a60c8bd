// A kernel without some tracepoints: the affected collector says why, the others keep counting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireBpf } from '../helpers/bpf.js';
import { testHosts } from '../helpers/netns.js';
import { NettopProcess, nettopPrograms, programsLeft } from '../helpers/nettop.js';
import { receiver, sender } from '../helpers/peers.js';

const hosts = testHosts(2);

test('without sock_send_length/sock_recv_length: tcp is unavailable with the reason, nic, rtt and retrans go on; rtt without bpf_rdonly_cast', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	// NETTOP_HIDE_TRACEPOINTS and _FUNCTIONS make nettop see this kernel as one without them.
	const env = { ...process.env, NETTOP_HIDE_TRACEPOINTS: 'sock_send_length,sock_recv_length', NETTOP_HIDE_FUNCTIONS: 'bpf_rdonly_cast' };
	const nettop = new NettopProcess(['--json', '-i', '0.5'], env);
	await nettop.waitForLines(1);
	const loaded = await nettopPrograms();
	assert.ok(loaded.includes('nt_rtt_sk') && !loaded.includes('nt_rtt'), `rtt samples through the helper twin: ${loaded.join(' ')}`);
	const r = await receiver(net, b, 7201);
	const s = sender(net, a, b.ip4, 7201, 5_000_000);
	await s.done();
	await r.done();
	await nettop.waitForLines(nettop.lines.length + 2);
	nettop.kill('SIGINT');
	assert.equal(await nettop.exited(), 0, nettop.stderr);

	type Line = { nic: unknown; tcp: { unavailable?: string }; rtt: { count: number; flows: { pid: number; rport: number }[] }; retrans: { count: number } };
	const lines = nettop.json<Line>();
	const why = lines[0]!.tcp.unavailable;
	t.diagnostic(`tcp: ${why}`);
	assert.ok(why, 'tcp says it is unavailable');
	assert.match(why, /sock_send_length|sock_recv_length/, 'names the missing tracepoint');
	assert.match(why, /nt_tcp_(send_fx|recv_fe)/, 'and the fentry/fexit twin it tried');
	assert.ok(lines.every((l) => l.tcp.unavailable === why), 'on every line');
	assert.ok(lines.every((l) => Array.isArray(l.nic)), 'nic goes on');
	assert.ok(lines.every((l) => typeof l.retrans.count === 'number'), 'retrans goes on');
	const flows = lines.flatMap((l) => l.rtt.flows).filter((f) => f.rport === 7201);
	assert.ok(flows.length > 0, 'rtt goes on, with samples for the transfer');
	assert.ok(flows.every((f) => f.pid === s.pid), 'owner stamped at connect() by rtt.bpf.o itself');
	assert.equal(nettop.stderr, '', 'nothing on stderr');
	assert.deepEqual(await programsLeft(), []);
});
