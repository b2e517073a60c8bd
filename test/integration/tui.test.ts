// End to end: the real nettop in tmux at 80x24 against real traffic; keys, filters, quitting, signals.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { afterEach, test } from 'node:test';
import { requireBpf } from '../helpers/bpf.js';
import { run, until } from '../helpers/exec.js';
import { testHosts } from '../helpers/netns.js';
import { CLI, programsLeft } from '../helpers/nettop.js';
import { receiver, sender } from '../helpers/peers.js';
import { Tmux } from '../helpers/tmux.js';

const hosts = testHosts(2);
let tmux: Tmux | undefined;
afterEach(async () => {
	await tmux?.kill();
	tmux = undefined;
});

/** The nettop process tmux runs: the child of the pane's shell. */
async function nettopPid(t: Tmux): Promise<number> {
	const shell = await t.pane('pane_pid');
	let pid = 0;
	await until(async () => {
		// meow sets process.title to "nettop", so match the child of the pane's shell.
		const { stdout } = await run('pgrep', ['-P', shell, '-x', 'nettop']).catch(() => ({ stdout: '' }));
		pid = Number(stdout.trim().split('\n')[0] || 0);
		return pid > 0;
	}, 5000);
	assert.ok(pid > 0, 'nettop is running in the pane');
	return pid;
}

test('80x24 in tmux: tabs, a port filter typed with keys, q restores the terminal and unloads', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	const r1 = await receiver(net, b, 7501);
	const r2 = await receiver(net, b, 7502);
	// Paced senders: about 12 s of steady traffic on two ports.
	const s1 = sender(net, a, b.ip4, 7501, 64 * 1024 * 600, 'send', 0.02);
	const s2 = sender(net, a, b.ip4, 7502, 64 * 1024 * 600, 'send', 0.02);
	tmux = new Tmux();
	await tmux.start(`${process.execPath} ${CLI} -i 0.5`, 80, 24, { TERM: 'screen', LANG: 'C.UTF-8' });

	// The veth in A, moving data (its two flows may hash to one queue or two).
	let screen = await tmux.waitFor(/\nnt0 +nett\S+ +(all|\d) +\d+(\.\d)?[KM]/); // its namespace by name
	assert.equal(await tmux.pane('alternate_on'), '1', 'runs on the alternate screen');
	const rows = (await tmux.screen());
	assert.ok(rows.length <= 24 && rows.every((l) => l.length <= 80), 'fits 80x24');
	assert.match(rows[0]!, /^nettop\s+\d\d:\d\d:\d\d\s+every 0\.50s/);
	assert.match(screen, / 1 NIC /);

	await tmux.keys('2');
	screen = await tmux.waitFor(/python3/);
	assert.match(screen, /PID COMM\s+SOCKS\s+PROTO\s+TX B\/s\s+RX B\/s/);
	await tmux.keys('c');
	screen = await tmux.waitFor(/198\.18\.0\.2:7502/);
	assert.match(screen, /198\.18\.0\.2:7501/);

	await tmux.type('P7501\r'); // one chunk, as a paste or a slow link delivers it
	screen = await tmux.waitFor(/filter: port 7501/);
	screen = await tmux.waitFor(/^(?![\s\S]*:7502)[\s\S]*198\.18\.0\.2:7501/); // 7502 gone at once, 7501 stays
	assert.doesNotMatch(screen, /filter by port/, 'Enter closed the prompt');
	await tmux.type('p999999\x7f\x7f\x7f\x7f\x7f\x7f\r'); // typed and erased: Backspace arrives as DEL
	await tmux.waitFor(/filter: port 7501/);

	await tmux.keys('3');
	screen = await tmux.waitFor(/count [1-9]\d*\s+avg/);
	assert.match(screen, /usecs\s+: count\s+distribution/);
	assert.match(screen, /\|\*+ *\|/);
	await tmux.keys('4');
	await tmux.waitFor(/this interval: \d+ retransmits/);
	// Resizes: the screen follows, never wider or taller than the terminal.
	for (const [w, h] of [[60, 18], [100, 30]] as const) {
		await tmux.resize(w, h);
		let lines: string[] = [];
		const fits = await until(async () => {
			lines = await tmux!.screen();
			return lines.length <= h && lines.every((l) => l.length <= w) && lines.some((l) => l.includes('q quit'));
		}, 5000);
		assert.ok(fits, `${w}x${h}: ${lines.length} lines, widest ${Math.max(...lines.map((l) => l.length))}:\n${lines.join('\n')}`);
		// Narrow or wide, the figures stay: the summary's last, and the Retransmits tab's columns.
		await tmux.waitFor(/RTX \d+\.\d+(seg)?\/s/);
		await tmux.waitFor(/REMOTE +EVENTS +SEGS[\s\S]*REMOTE +STATE +KIND +SEG/);
	}
	await tmux.keys('Escape', '?');
	await tmux.waitFor(/\nKEY\s+ACTION\n/);

	await tmux.keys('q');
	await tmux.waitFor(/EXITED 0/);
	assert.equal(await tmux.pane('alternate_on'), '0', 'back on the main screen');
	assert.equal(await tmux.pane('cursor_flag'), '1', 'cursor shown');
	assert.deepEqual(await programsLeft(), []);
	await tmux.kill();
	tmux = undefined;
	for (const p of [s1, s2, r1, r2]) await p.done();
});

for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
	test(`${signal} while the UI runs: terminal restored, nothing loaded`, async (t) => {
		if (!(await requireBpf(t))) return;
		tmux = new Tmux();
		await tmux.start(`${process.execPath} ${CLI} -i 0.5`, 80, 24, { TERM: 'xterm' });
		await tmux.waitFor(/IFACE/);
		const pid = await nettopPid(tmux);
		process.kill(pid, signal);
		const screen = await tmux.waitFor(/EXITED \d+/);
		const code = Number(/EXITED (\d+)/.exec(screen)![1]);
		assert.equal(code, signal === 'SIGINT' ? 0 : signal === 'SIGTERM' ? 143 : 129);
		assert.equal(await tmux.pane('alternate_on'), '0');
		assert.equal(await tmux.pane('cursor_flag'), '1');
		assert.doesNotMatch(screen, /at .*\.js:\d+/, 'no stack trace');
		assert.deepEqual(await programsLeft(), []);
		await tmux.kill();
		tmux = undefined;
	});
}

test('a dropped session (the pane killed): nettop exits and unloads', async (t) => {
	if (!(await requireBpf(t))) return;
	tmux = new Tmux();
	await tmux.start(`${process.execPath} ${CLI} -i 0.5`);
	await tmux.waitFor(/IFACE/);
	const pid = await nettopPid(tmux);
	await tmux.kill(); // the pty goes away: SIGHUP, as when SSH drops
	tmux = undefined;
	assert.ok(await until(() => !alive(pid), 5000), 'nettop exited');
	assert.deepEqual(await programsLeft(), []);
});

/** nettop's descriptors that are terminals. */
function terminalFds(pid: number): number {
	return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
		try {
			return /^\/dev\/(tty|pts\/)/.test(readlinkSync(`/proc/${pid}/fd/${fd}`));
		} catch {
			return false;
		}
	}).length;
}

test('a terminal that reports no size (script(1) fed by a pipe): 80x24, and no descriptor left open per frame', async (t) => {
	if (!(await requireBpf(t))) return;
	// exec: script(1) runs the line with $SHELL -c, and dash (CI's /bin/sh) forks for it where bash execs.
	const ui = spawn('script', ['-qfec', `exec ${process.execPath} ${CLI} -i 0.1 -t tcp`, '/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, TERM: 'xterm' } });
	let out = '';
	ui.stdout.on('data', (d: Buffer) => (out += d.toString()));
	// Each frame written is drawn whole: its header says the interval once. A frame that equals the last is not
	// written, so on an idle host one shows each second, when the header's clock moves; Ink lays out (and, with
	// the bug, opened /dev/tty) at every interval, 10 a second, written or not.
	const frames = () => out.split('every 0.10s').length - 1;
	const seconds = () => new Set(out.match(/\d\d:\d\d:\d\d {2}every 0\.10s/g)).size;
	try {
		let pid = 0;
		await until(async () => {
			pid = Number((await run('pgrep', ['-P', String(ui.pid), '-x', 'nettop']).catch(() => ({ stdout: '' }))).stdout.trim() || 0);
			return pid > 0 && frames() >= 3;
		}, 10_000);
		assert.ok(pid > 0 && frames() >= 3, `nettop drawing (${frames()} frames)`);
		const before = terminalFds(pid);
		const shown = seconds();
		assert.ok(await until(() => seconds() >= shown + 3, 20_000), `3 more seconds drawn (${seconds() - shown}): 30 intervals laid out`);
		assert.equal(terminalFds(pid), before, 'no terminal opened per frame');
		assert.match(out, /q quit/, 'drawn whole, the footer too');
	} finally {
		ui.kill('SIGTERM'); // script(1) hangs up its pty: a dropped session
		await new Promise((r) => (ui.exitCode !== null ? r(null) : ui.once('exit', r)));
	}
	assert.ok(await until(async () => (await programsLeft()).length === 0, 5000), 'unloaded');
});

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

test('-n on a terminal: the last frame stays on the main screen, as top -n leaves it', async (t) => {
	if (!(await requireBpf(t))) return;
	tmux = new Tmux();
	await tmux.start(`${process.execPath} ${CLI} -i 0.3 -n 2 -t tcp -r accept`, 80, 24, { TERM: 'xterm', LANG: 'C.UTF-8' });
	const screen = await tmux.waitFor(/EXITED 0/);
	assert.equal(await tmux.pane('alternate_on'), '0', 'back on the main screen');
	assert.match(screen, /^nettop {2}\d\d:\d\d:\d\d {2}every 0\.30s {2}-r accept$/m, 'the header stays, with its mode');
	assert.match(screen, / 2 Traffic .*\n +PID COMM +SOCKS +PROTO +TX B\/s +RX B\/s/, 'the tab shown stays');
	assert.doesNotMatch(screen, /q quit/, 'no key footer: the keys no longer work');
	assert.deepEqual(await programsLeft(), []);
});

test('TERM=dumb on a terminal gets the plain table, not the UI', async (t) => {
	if (!(await requireBpf(t))) return;
	tmux = new Tmux();
	await tmux.start(`${process.execPath} ${CLI} -i 0.3 -n 1 -r connect`, 120, 100, { TERM: 'dumb' }); // tall: every tab's section fits
	const plain = await tmux.waitFor(/EXITED 0/);
	assert.match(plain, /IFACE +NETNS/, 'the plain table');
	assert.match(plain, /^nettop {2}\d\d:\d\d:\d\d {2}every 0\.30s {2}-r connect$/m, 'its header names the mode');
	assert.doesNotMatch(plain, /q quit| 1 NIC /, 'no UI: no footer, no tab bar');
});

test('a filter that matches no process says so, -r shows as a mode; a letter in the PID prompt is said to be left out', async (t) => {
	if (!(await requireBpf(t))) return;
	tmux = new Tmux();
	await tmux.start(`${process.execPath} ${CLI} -i 0.3 -p 4000000 -t tcp -r connect`, 80, 24, { TERM: 'xterm' });
	await tmux.waitFor(/filter: pid 4000000 \(no such process\)\s+-r connect\n/);
	await tmux.type('p');
	await tmux.waitFor(/filter by PID/);
	await tmux.type('x');
	await tmux.waitFor(/"x" left out: digits and commas only/);
	await tmux.keys('Escape');
	await tmux.waitFor(/q quit/);
	await tmux.type('q');
	await tmux.waitFor(/EXITED 0/);
	assert.deepEqual(await programsLeft(), []);
});

test('drill down: Down selects a process in tcptop, Enter shows its connections with bytes and RTT, Esc goes back', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	const r = await receiver(net, b, 7601);
	const s = sender(net, a, b.ip4, 7601, 64 * 1024 * 400, 'send', 0.02);
	tmux = new Tmux();
	await tmux.start(`${process.execPath} ${CLI} -i 0.5 -t tcp -P 7601`, 100, 24, { TERM: 'xterm', LANG: 'C.UTF-8' });
	await tmux.waitFor(/python3/);
	await tmux.keys('Down', 'Enter');
	const screen = await tmux.waitFor(/process \d+ python3: [1-9]\d* connections? \(Esc back\)[\s\S]*198\.18\.0\.\d:\d+ +198\.18\.0\.\d:\d+ +\S+ +\S+ +\d+(\.\d)? +\d+(\.\d)? +\d+\n/);
	assert.match(screen, /LOCAL +REMOTE +TX\/s +RX\/s +P50us +P99us +RTX/);
	await tmux.keys('Escape');
	await tmux.waitFor(/PID COMM +SOCKS/);
	await tmux.keys('q');
	await tmux.waitFor(/EXITED 0/);
	await tmux.kill();
	tmux = undefined;
	for (const p of [s, r]) await p.done();
});
