// -w and -R against the real kernel: what --json printed live, a replay prints again byte for byte, filtered or not, without root; a kill -9 loses no interval written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { requireBpf } from '../helpers/bpf.js';
import { run, sleep, until } from '../helpers/exec.js';
import { testHosts } from '../helpers/netns.js';
import { CLI, NettopProcess, programsLeft } from '../helpers/nettop.js';
import { Peer, receiver, sender } from '../helpers/peers.js';
import { Tmux } from '../helpers/tmux.js';
import { readRecording } from '../../source/recording/file.js';

const hosts = testHosts(4);
const dir = mkdtempSync(path.join(tmpdir(), 'nettop-record-'));
chmodSync(dir, 0o755); // replayed by nobody too
after(() => rmSync(dir, { recursive: true, force: true }));

/** UDP: bind PORT with a tiny buffer and never read (sink), or send COUNT datagrams to it (send). */
const UDP = `
import socket, sys, time
role, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if role == 'sink':
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    s.bind(('0.0.0.0', port)); print('bound', flush=True); time.sleep(30)
else:
    for i in range(300): s.sendto(b'u' * 100, (host, port))
    print('sent', flush=True)
`;
/** TCP connects to a port nobody listens on: refused, each answered by a reset. */
const REFUSED = `
import socket, sys
for i in range(5):
    try: socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
    except OSError: pass
print('refused', flush=True)
`;

/** A replay's stdout, as nobody (no root, no BPF) unless `asRoot`. */
async function replay(args: readonly string[], asRoot = false): Promise<{ stdout: string; stderr: string }> {
	const cmd = [process.execPath, CLI, ...args];
	return asRoot ? run(cmd[0]!, cmd.slice(1)) : run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', ...cmd]);
}

const text = (p: NettopProcess) => p.lines.map((l) => `${l}\n`).join('');

test('--json -w: a replay prints the live lines byte for byte, for traffic in every feature; a filter in replay as the same filter live; replay runs as nobody', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	const [all, port] = [path.join(dir, 'all.rec'), path.join(dir, 'port.rec')];
	const common = ['--json', '-i', '0.5', '-n', '16'];
	const live = new NettopProcess([...common, '--latency', '--latency-sample', '4', '-w', all]);
	const filtered = new NettopProcess([...common, '-P', '7601', '-w', port]);
	await Promise.all([live.waitForLines(1), filtered.waitForLines(1)]);
	// Every 30th packet to 7601 dropped at b, from the 6th (a count, not a draw: 4 MB can go in as few as 62 GSO packets, and
	// 3% random then dropped none about 15% of the time, 0.97^62, so no retransmit to record): retransmits, NETFILTER_DROP; a UDP socket
	// that never reads: SOCKET_RCVBUFF; refused connects.
	await net.withNft(b, 'nettop_rec', ['add chain inet nettop_rec in { type filter hook input priority 0; }', 'add rule inet nettop_rec in tcp dport 7601 numgen inc mod 30 == 5 counter drop'], async () => {
		const r = await receiver(net, b, 7601);
		const sink = new Peer(net.spawn(b, 'python3', ['-c', UDP, 'sink', b.ip4, '7602']));
		await until(() => sink.output.includes('bound'), 5000);
		const s = sender(net, a, b.ip4, 7601, 4_000_000, 'send', 0.02);
		await new Peer(net.spawn(a, 'python3', ['-c', UDP, 'send', b.ip4, '7602'])).done();
		await new Peer(net.spawn(a, 'python3', ['-c', REFUSED, b.ip4, '7603'])).done();
		assert.equal(await s.done(30_000), 4_000_000);
		assert.equal(await r.done(), 4_000_000);
	});
	assert.equal(await live.exited(30_000), 0, live.stderr);
	assert.equal(await filtered.exited(30_000), 0, filtered.stderr);
	assert.equal(live.stderr, '');

	// The live lines hold something of every feature, so the comparison covers each.
	type Rows = readonly Record<string, unknown>[];
	type Line = { nic: Rows; tcp: Rows; udp: Rows; rtt: { flows: Rows }; retrans: { events: Rows }; conns: { events: Rows }; drops: { reasons: Rows }; latency: { packets: Rows } };
	const lines = live.json<Line>();
	const some = (what: string, has: (l: Line) => boolean) => assert.ok(lines.some(has), `the live lines have ${what}`);
	some('NIC rows', (l) => l.nic.length > 0);
	some('TCP rows', (l) => l.tcp.some((r) => r.rport === 7601));
	some('UDP rows', (l) => l.udp.length > 0);
	some('RTT flows', (l) => l.rtt.flows.length > 0);
	some('retransmits', (l) => l.retrans.events.length > 0);
	some('a refused connection', (l) => l.conns.events.some((e) => e.rport === 7603));
	some('NETFILTER_DROP', (l) => l.drops.reasons.some((r) => r.reason === 'NETFILTER_DROP'));
	some('SOCKET_RCVBUFF', (l) => l.drops.reasons.some((r) => r.reason === 'SOCKET_RCVBUFF'));
	some('timed packets', (l) => l.latency.packets.length > 0);

	const replayed = await replay(['-R', all, '--json']);
	assert.equal(replayed.stderr, '');
	assert.equal(replayed.stdout, text(live), 'the replay prints the live lines, byte for byte');
	const again = await replay(['-R', port, '--json', '-P', '7601']);
	assert.equal(again.stdout, text(filtered), '-P in replay prints what -P printed live');
	const whole = await replay(['-R', port, '--json']);
	assert.ok(whole.stdout.includes('"lport":7602') && !text(filtered).includes('"lport":7602'), 'the filtered run recorded what it read, not what it showed');
	const plain = await replay(['-R', all, '-n', '2']);
	assert.match(plain.stdout, /^nettop {2}\d\d:\d\d:\d\d {2}every 0\.50s/m, 'the plain table, the interval as recorded');

	// -i 2: four recorded intervals a line, each the four lines' figures added up, their events one after another.
	const merged = await replay(['-R', all, '--json', '-i', '2']);
	assert.equal(merged.stderr, '', 'the 16 intervals make 4 whole ones: nothing left out');
	const wide = merged.stdout.trim().split('\n').map((l) => JSON.parse(l) as MergedLine);
	assert.equal(wide.length, 4);
	const narrow = live.json<MergedLine>();
	wide.forEach((w, i) => assertMerged(w, narrow.slice(i * 4, i * 4 + 4), i));
	const tabled = await replay(['-R', all, '-i', '2', '-n', '1']);
	assert.match(tabled.stdout, /^nettop {2}\d\d:\d\d:\d\d {2}every 2s$/m, 'the plain table says the merged interval');
	const odd = await replay(['-R', all, '--json', '-i', '0.75']).catch((e: Error) => e);
	assert.match(String(odd), /-i 0\.75: .*all\.rec was recorded every 0\.5s; a replay merges whole intervals \(-i 0\.5, 1, 1\.5\.\.\.\)/);
	const ragged = await replay(['-R', all, '--json', '-i', '1.5']);
	assert.equal(ragged.stdout.trim().split('\n').length, 5, '15 of the 16 intervals, three a line');
	assert.match(ragged.stderr, /^nettop: -i 1\.5: the 0\.5s to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d make no whole interval of 1\.5s \(the run ends\): left out\n$/);
	// --end a second before the last reading leaves out its last 2 intervals (3 if one was a little short): 13 or 14, 4 lines of 3 either way.
	const ended = await replay(['-R', all, '--json', '-i', '1.5', '--end', '-1s']);
	assert.equal(ended.stdout.trim().split('\n').length, 4);
	assert.match(ended.stderr, /: the [\d.]+s to .* make no whole interval of 1\.5s \(--end comes\): left out\n$/);
	assert.deepEqual(await programsLeft(), []);
});

type Row = Record<string, number | string | null>;
type Buckets = { count: number }[];
type MergedLine = {
	interval_s: number;
	nic: Row[];
	tcp: Row[];
	udp: Row[];
	rtt: { count: number; sum_us: number; buckets: Buckets; flows: Row[]; by_raddr: (Row & { buckets: Buckets })[] };
	retrans: { count: number; segs: number; events: Row[]; flows: Row[] };
	conns: { counts: Row[]; events: Row[] };
	drops: { drops: number; teardown: number; reasons: Row[]; flows: Row[]; events: Row[] };
	latency: { sampled: number; timed: number; packets: Row[] };
};

/** Rows of a list by `key`, the `fields` added up over the lines; rows whose sums are all 0 left out (a line lists a row only when it moved). */
function sums(lines: readonly MergedLine[], rows: (l: MergedLine) => readonly Row[], key: readonly string[], fields: readonly string[]): Map<string, number[]> {
	const out = new Map<string, number[]>();
	for (const l of lines) {
		for (const r of rows(l)) {
			const k = key.map((f) => String(r[f])).join('|');
			const s = out.get(k) ?? fields.map(() => 0);
			fields.forEach((f, i) => (s[i]! += Number(r[f])));
			out.set(k, s);
		}
	}
	for (const [k, s] of out) if (s.every((n) => n === 0)) out.delete(k);
	return out;
}

/** A merged line against the lines it merges: every counter the lines' sum, histograms' buckets too, events the lines' one after another. */
function assertMerged(w: MergedLine, lines: readonly MergedLine[], at: number): void {
	const both = (what: string, rows: (l: MergedLine) => readonly Row[], key: readonly string[], fields: readonly string[]) =>
		assert.deepEqual(sums([w], rows, key, fields), sums(lines, rows, key, fields), `line ${at}: ${what}`);
	const flow = ['pid', 'netns', 'laddr', 'lport', 'raddr', 'rport'];
	assert.ok(Math.abs(w.interval_s - lines.reduce((n, l) => n + l.interval_s, 0)) < 1e-5, `line ${at}: interval_s`);
	both('nic', (l) => l.nic, ['netns', 'ifindex', 'queue'], ['tx_bytes', 'tx_packets', 'rx_bytes', 'rx_packets']);
	both('tcp', (l) => l.tcp, flow, ['tx_bytes', 'rx_bytes']);
	both('udp', (l) => l.udp, flow, ['tx_bytes', 'rx_bytes']);
	both('rtt', (l) => [l.rtt as unknown as Row], [], ['count', 'sum_us']);
	both('rtt buckets', (l) => l.rtt.buckets as unknown as Row[], ['lo_us'], ['count']);
	both('rtt flows', (l) => l.rtt.flows, flow, ['count', 'sum_us']);
	both('rtt by_raddr buckets', (l) => l.rtt.by_raddr.flatMap((r) => r.buckets.map((b) => ({ ...b, raddr: r.raddr, netns: r.netns }) as unknown as Row)), ['raddr', 'netns', 'lo_us'], ['count']);
	both('retrans', (l) => [l.retrans as unknown as Row], [], ['count', 'segs']);
	both('retrans flows', (l) => l.retrans.flows, flow, ['count', 'segs']);
	both('conns', (l) => l.conns.counts, ['netns'], ['active_opens', 'passive_opens', 'attempt_fails', 'estab_resets', 'out_rsts', 'in_rsts', 'handshake_fails']);
	both('drops', (l) => [l.drops as unknown as Row], [], ['drops', 'teardown']);
	both('drop reasons', (l) => l.drops.reasons, ['netns', 'ifindex', 'protocol', 'reason'], ['count', 'teardown']);
	// A drop flow is its socket's and reason's: the owner stamped after its first drops names the merged line's whole count
	// (as live at -i 2 would), where the shorter lines split it by the owner each knew.
	both('drop flows', (l) => l.drops.flows, ['netns', 'laddr', 'lport', 'raddr', 'rport', 'reason'], ['count']);
	both('latency', (l) => [l.latency as unknown as Row], [], ['sampled', 'timed']);
	for (const list of ['retrans', 'conns', 'drops'] as const) assert.deepEqual(w[list].events, lines.flatMap((l) => l[list].events), `line ${at}: ${list} events`);
	// Timed packets are listed newest first: the last line's first.
	assert.deepEqual(w.latency.packets, [...lines].reverse().flatMap((l) => l.latency.packets), `line ${at}: latency packets`);
}

test('-R in a terminal (tmux, 80x24, as nobody): the UI on the recording; t, T, r and space move through it, q restores the terminal', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const file = path.join(dir, 'ui.rec');
	const live = new NettopProcess(['--json', '-i', '0.3', '-n', '6', '-w', file]);
	await live.waitForLines(1);
	await new Peer(net.spawn(net.a, 'python3', ['-c', REFUSED, net.b.ip4, '7603'])).done();
	assert.equal(await live.exited(20_000), 0, live.stderr);
	const times = live.json<{ time: string }>().map((l) => new Date(l.time).toTimeString().slice(0, 8));
	// -i merges intervals for --json and the table; the UI steps through them as recorded: one line, exit 2.
	const merged = spawnSync('script', ['-qfec', `exec ${process.execPath} ${CLI} -R ${file} -i 0.6`, '/dev/null'], { encoding: 'utf8' });
	assert.equal(merged.status, 2, merged.stdout);
	assert.equal(merged.stdout.trim(), "nettop: -i merges a replay's intervals for --json or the plain table (| less): the UI steps through them as recorded");
	const tmux = new Tmux();
	try {
		await tmux.start(`setpriv --reuid=65534 --regid=65534 --clear-groups -- ${process.execPath} ${CLI} -R ${file} -t conns`, 80, 24, { TERM: 'xterm' });
		// The header's wide form, or its packed one when a note (the end of the recording) leaves 80 columns too few.
		const header = (k: number) => new RegExp(`^(nettop {2})?${times[k]} of \\d\\d:\\d\\d:\\d\\d-\\d\\d:\\d\\d:\\d\\d {1,2}(every )?0\\.30s {1,2}REPLAY `, 'm');
		await tmux.waitFor(header(0));
		await tmux.waitFor(/conn [\d.]+\/s acc/);
		await tmux.keys('t');
		await tmux.waitFor(header(1));
		await tmux.keys('t', 't');
		await tmux.waitFor(header(3));
		await tmux.keys('T');
		await tmux.waitFor(header(2));
		await tmux.keys('r');
		await tmux.waitFor(header(0));
		// SIGUSR1, which W's history answers live: a replay has none, and Node must not open its inspector for it.
		const pid = Number((await run('pgrep', ['-f', `${CLI} -R ${file}`])).stdout.trim().split('\n')[0]);
		assert.ok(pid > 0, 'the replay\'s pid');
		process.kill(pid, 'SIGUSR1');
		await sleep(500);
		assert.equal((await run('ss', ['-Hltn', 'sport = :9229'])).stdout.trim(), '', 'no inspector listening');
		await tmux.waitFor(header(0));
		// Played at the recorded pace to the last interval, where it stops.
		await tmux.keys(' ');
		await tmux.waitFor(/PLAYING/);
		const last = await tmux.waitFor(header(times.length - 1), 10_000);
		assert.ok(await until(async () => !(await tmux.screen()).join('\n').includes('PLAYING'), 3000), last);
		await tmux.keys('q');
		await tmux.waitFor(/EXITED 0/);
		assert.equal(await tmux.pane('alternate_on'), '0', 'back on the main screen');
	} finally {
		await tmux.kill();
	}
});

test('history while live (tmux, 80x24): after traffic, T steps back to its figures; W writes the history, which replays; space is live again', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	const tmux = new Tmux();
	try {
		await tmux.start(`cd ${dir} && ${process.execPath} ${CLI} -i 0.5 -t nic`, 80, 24, { TERM: 'xterm' });
		await tmux.waitFor(/IFACE/);
		const r = await receiver(net, b, 7604);
		const s = sender(net, a, b.ip4, 7604, 12_000_000, 'send', 0.02); // about 3 s of megabytes a second
		assert.equal(await s.done(30_000), 12_000_000);
		await r.done();
		const busy = /nt0 .*\d[MG] /m;
		// Live, once the traffic has left the screen: idle now.
		assert.ok(await until(async () => !busy.test((await tmux.screen()).join('\n')), 10_000), 'the traffic ended on the screen');
		let back = '';
		for (let i = 0; i < 40 && !busy.test(back); i++) {
			await tmux.keys('T');
			back = await tmux.waitFor(/HISTORY/);
		}
		assert.match(back, busy, 'T stepped back to the traffic\'s figures');
		await tmux.keys('W');
		const written = /wrote history \(\d+ intervals\): (nettop-\S+\.rec)/.exec(await tmux.waitFor(/wrote history \(\d+ intervals\): nettop-\S+\.rec/))![1]!;
		const { stdout } = await replay(['-R', path.join(dir, written), '--json'], true);
		const lines = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { nic: { ifname: string; tx_bytes: number }[] });
		assert.ok(lines.some((l) => l.nic.some((n) => n.ifname === a.dev && n.tx_bytes > 1_000_000)), 'the file holds the traffic');
		await tmux.keys(' ');
		await until(async () => !/HISTORY/.test((await tmux.screen()).join('\n')), 5000);
		assert.doesNotMatch((await tmux.screen()).join('\n'), /HISTORY|PAUSED/, 'live again');
		await tmux.keys('q');
		await tmux.waitFor(/EXITED 0/);
	} finally {
		await tmux.kill();
	}
	assert.deepEqual(await programsLeft(), []);
});

test('rotation: -q -w with time fields and --keep 3 leaves the 3 newest files, each replays, each next starts at the reading the one before ends with; a file that only matches the pattern stays', async (t) => {
	if (!(await requireBpf(t))) return;
	const rot = path.join(dir, 'rot');
	mkdirSync(rot, { mode: 0o755 });
	writeFileSync(path.join(rot, 'n-20000101000000.rec'), 'not a recording');
	const quiet = new NettopProcess(['-q', '-w', path.join(rot, 'n-%Y%m%d%H%M%S.rec'), '--keep', '3', '-i', '0.4']);
	// Names seen while it records (the oldest are deleted as new ones come): 5 made, so 2 of them deleted by now.
	const seen = new Set<string>();
	assert.ok(await until(() => (readdirSync(rot).forEach((f) => seen.add(f)), seen.size >= 6), 20_000), `files: ${[...seen].join(' ')} ${quiet.stderr}`);
	quiet.kill('SIGINT');
	assert.equal(await quiet.exited(), 0, quiet.stderr);
	const files = readdirSync(rot).sort();
	assert.equal(files.length, 4, files.join(' '));
	assert.equal(files[0], 'n-20000101000000.rec');
	const walls = files.slice(1).map((f) => [...readRecording(readFileSync(path.join(rot, f)), f)].flatMap((i) => (i.kind === 'reading' ? [i.reading.wall] : [])));
	for (let i = 1; i < walls.length; i++) assert.equal(walls[i]![0], walls[i - 1]!.at(-1), `${files[i + 1]} starts with the reading ${files[i]} ends with`);
	for (const [i, f] of files.slice(1).entries()) {
		const { stdout, stderr } = await replay(['-R', path.join(rot, f), '--json']);
		assert.equal(stderr, '');
		// Each line an interval of the file's readings (the last file may hold one reading when stopped: no interval).
		assert.equal(stdout.split('\n').filter(Boolean).length, walls[i]!.length - 1, `${f} replays`);
	}
});

test('kill -9 while recording with -q: every interval written replays, nothing printed live, no stack trace', async (t) => {
	if (!(await requireBpf(t))) return;
	const file = path.join(dir, 'killed.rec');
	const quiet = new NettopProcess(['-q', '-w', file, '-i', '0.2']);
	assert.ok(await until(() => (statSync(file, { throwIfNoEntry: false })?.size ?? 0) > 1500, 15_000), `recording: ${quiet.stderr}`);
	await sleep(500);
	quiet.kill('SIGKILL');
	await quiet.exited();
	assert.deepEqual(quiet.lines, [], '-q prints nothing');
	const { stdout, stderr } = await replay(['-R', file, '--json']);
	const n = stdout.split('\n').filter(Boolean).length;
	assert.ok(n >= 3, `intervals replayed: ${n}`);
	assert.ok(stderr === '' || /^nettop: .* ends at byte \d+ inside a frame that starts at byte \d+, after seq \d+ .*: replayed up to there\n$/.test(stderr), stderr);
	// Left loaded by the kill: nettop's programs go with its descriptors.
	assert.ok(await until(async () => (await programsLeft()).length === 0, 5000), 'unloaded');
});

test('-R a file that is not a recording, or missing; -w over a file that is not a recording: one line, exit 2', async () => {
	const notMine = await run('sh', ['-c', `${process.execPath} ${CLI} -R /etc/hostname --json; echo "exit $?"`]);
	assert.equal(notMine.stdout, 'exit 2\n');
	assert.equal(notMine.stderr, 'nettop: /etc/hostname is not a nettop recording\n');
	const missing = await run('sh', ['-c', `${process.execPath} ${CLI} -R ${dir}/nope.rec --json; echo "exit $?"`]);
	assert.equal(missing.stderr, `nettop: -R/--replay ${dir}/nope.rec: no such file\n`);
	const written = await run('sh', ['-c', `${process.execPath} ${CLI} -w /etc/hostname --json -n 1; echo "exit $?"`]);
	assert.equal(written.stderr, 'nettop: -w/--write /etc/hostname is not a nettop recording: not written over\n');
	assert.equal(written.stdout, 'exit 2\n');
});
