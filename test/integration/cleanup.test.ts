// Nothing of nettop stays loaded in the kernel after it exits, however it exits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireBpf } from '../helpers/bpf.js';
import { linksLeft, NettopProcess, nettopLinks, nettopPrograms, programsLeft, runNettop } from '../helpers/nettop.js';

test('normal exit after -n leaves no program loaded', async (t) => {
	if (!(await requireBpf(t))) return;
	const r = await runNettop(['--json', '-n', '2', '-i', '0.1']);
	assert.equal(r.code, 0, r.stderr);
	assert.equal(r.lines.filter((l) => l !== '').length, 2);
	assert.deepEqual(await programsLeft(), []);
});

for (const [signal, code] of [
	['SIGINT', 0],
	['SIGTERM', 143],
	['SIGHUP', 129],
	['SIGKILL', 137],
] as const) {
	test(`${signal} leaves no program loaded`, async (t) => {
		if (!(await requireBpf(t))) return;
		const nettop = new NettopProcess(['--json', '-i', '0.2']);
		await nettop.waitForLines(1);
		const loaded = await nettopPrograms();
		for (const p of ['nt_nic_tx', 'nt_nic_rx', 'nt_tcp_send', 'nt_tcp_recv', 'nt_rtt', 'nt_retrans']) assert.ok(loaded.includes(p), `${p} loaded while running: ${loaded.join(' ')}`);
		const links = await nettopLinks();
		assert.ok(links.length >= loaded.length, `a link per program while running: ${links.length} links, ${loaded.length} programs`);
		nettop.kill(signal);
		assert.equal(await nettop.exited(), code, nettop.stderr);
		assert.deepEqual(await programsLeft(), [], `programs after ${signal}`);
		assert.deepEqual(await linksLeft(links), [], `links after ${signal}`);
		assert.doesNotMatch(nettop.stderr, /\n\s+at /, 'no stack trace');
	});
}

test('without a terminal and without --json: a plain table per interval, no escape sequences', async (t) => {
	if (!(await requireBpf(t))) return;
	const r = await runNettop(['-n', '2', '-i', '0.2']);
	assert.equal(r.code, 0, r.stderr);
	assert.equal(r.stdout.match(/^nettop {2}\d\d:\d\d:\d\d {2}every 0\.20s$/gm)?.length, 2, r.stdout);
	assert.match(r.stdout, /^IFACE +NETNS +Q +TX B\/s/m);
	assert.doesNotMatch(r.stdout, /filter:/, 'no filter unless one is asked for (an absent --no-loopback included)');
	assert.match(r.stdout, /^ +PID COMM +SOCKS/m);
	assert.match(r.stdout, /^RTT count \d+/m);
	assert.match(r.stdout, /^this interval: \d+ retransmits, \d+ segments/m);
	assert.doesNotMatch(r.stdout, /[\x00-\x08\x0b-\x1f\x7f]/, 'plain text only');
});
