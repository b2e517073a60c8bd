// Names chosen by an attacker (a process or interface named with ESC and BEL) never reach the terminal or JSON raw.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { requireBpf } from '../helpers/bpf.js';
import { start, exited } from '../helpers/exec.js';
import { testHosts } from '../helpers/netns.js';
import { CLI, NettopProcess } from '../helpers/nettop.js';
import { receiver } from '../helpers/peers.js';
import { Tmux } from '../helpers/tmux.js';

const EVIL_COMM = '\x1b[31mevil\x07';
const SHOWN_COMM = '?[31mevil?';
const EVIL_IF = 'e\x1b[7mv\x07';
const SHOWN_IF = 'e?[7mv?';

const hosts = testHosts(2);
let tmux: Tmux | undefined;
afterEach(async () => {
	await tmux?.kill();
	tmux = undefined;
});

/** A Python sender that renames itself (prctl PR_SET_NAME) before it connects and sends. */
const RENAMED_SENDER = `
import ctypes, socket, sys, time
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)
s = socket.create_connection((sys.argv[2], int(sys.argv[3])))
for _ in range(int(sys.argv[4])):
    s.sendall(b'x' * 65536); time.sleep(0.05)
s.close()
`;

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f]|\\u00(0[0-8bcef]|1[0-9a-f]|7f)/i;

test('a process named with ESC and BEL: sanitised in JSON, plain text and the UI', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	const r = await receiver(net, b, 7701);
	const nettop = new NettopProcess(['--json', '-i', '0.5']);
	await nettop.waitForLines(1);
	const evil = net.spawn(a, 'python3', ['-c', RENAMED_SENDER, EVIL_COMM, b.ip4, '7701', '60']);
	tmux = new Tmux();
	await tmux.start(`${process.execPath} ${CLI} -i 0.5 -t tcp -p ${evil.pid}`, 80, 24, { TERM: 'xterm' });
	const screen = await tmux.waitFor(new RegExp(`${evil.pid} \\?\\[31mevil\\?`));
	assert.doesNotMatch(screen, /\x1b|\x07/);
	await tmux.keys('q');
	await tmux.waitFor(/EXITED 0/);
	await exited(evil, 30_000);
	await r.done();
	await nettop.waitForLines(nettop.lines.length + 2);
	nettop.kill('SIGINT');
	await nettop.exited();
	const raw = nettop.lines.join('\n');
	assert.doesNotMatch(raw, CONTROL, 'no control characters, raw or escaped, in the JSON');
	const comms = new Set(nettop.json<{ tcp: { pid: number; comm: string }[] }>().flatMap((l) => l.tcp).filter((row) => row.pid === evil.pid).map((row) => row.comm));
	assert.deepEqual([...comms], [SHOWN_COMM]);
});

test('an interface named with ESC and BEL: sanitised in JSON and plain text', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a } = net;
	// A second veth pair inside A, with a hostile name; UDP over it.
	await net.exec(a, 'ip', ['link', 'add', EVIL_IF, 'type', 'veth', 'peer', 'name', 'ntpeer']);
	await net.exec(a, 'ip', ['addr', 'add', '198.19.0.1/30', 'dev', EVIL_IF]);
	await net.exec(a, 'ip', ['link', 'set', EVIL_IF, 'up']);
	await net.exec(a, 'ip', ['link', 'set', 'ntpeer', 'up']);
	const traffic = () => net.exec(a, 'sh', ['-c', 'head -c 200000 /dev/zero | socat -u - UDP4-SENDTO:198.19.0.2:9,so-bindtodevice=' + "'" + EVIL_IF + "'"]).catch(() => undefined);
	const json = new NettopProcess(['--json', '-i', '0.3']);
	await json.waitForLines(1);
	await traffic();
	await json.waitForLines(json.lines.length + 2);
	json.kill('SIGINT');
	await json.exited();
	assert.doesNotMatch(json.lines.join('\n'), CONTROL);
	const names = new Set(json.json<{ nic: { ifname: string; netns: number }[] }>().flatMap((l) => l.nic).filter((n) => n.netns === net.netnsInode(a)).map((n) => n.ifname));
	assert.ok(names.has(SHOWN_IF), `interface names seen in A: ${[...names].join(', ')}`);

	const plain = start(process.execPath, [CLI, '-n', '3', '-i', '0.3']);
	let out = '';
	plain.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
	await new Promise((r) => setTimeout(r, 400));
	await traffic();
	assert.equal(await exited(plain), 0);
	assert.match(out, new RegExp(SHOWN_IF.replace(/[?[]/g, '\\$&')));
	assert.doesNotMatch(out, CONTROL);
});
