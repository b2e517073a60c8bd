// The rendered screen (ink-testing-library, FORCE_COLOR=0): rows, bars, filters, truncation, 80x24.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import React from 'react';
import { render } from 'ink-testing-library';
import { cgroupOf } from '../../source/model/cgroup.js';
import { NO_FILTER } from '../../source/model/filter.js';
import { Screen } from '../../source/ui/screen.js';
import { helpRows } from '../../source/ui/keys.js';
import { initialState, reducer, type Action, type UiState } from '../../source/ui/state.js';
import { screenText } from '../../source/ui/frame-lines.js';
import { available, connsSnap, dropsSnap, nic, raw, retrans, rtt, tcp } from '../fixtures/records.js';
import { TestStore } from '../helpers/ui.js';

const HERE = 4026531840;

const CONN_FLOW = { cgroupId: 0, netns: HERE, family: 4 as const, laddr: '10.0.0.1', lport: 40000, raddr: '10.0.0.2', rport: 443, pid: 22, comm: 'curl', state: 'ESTABLISHED', time: 0 };
const CONN_EVENTS = [
	{ ...CONN_FLOW, type: 'connect' as const, direction: 'connect' as const, latencyUs: 850 },
	{ ...CONN_FLOW, type: 'close' as const, direction: 'connect' as const, durationMs: 1500, txBytes: 4096, rxBytes: 65536, abort: false },
	{ ...CONN_FLOW, type: 'fail' as const, direction: 'connect' as const, rport: 81, reason: 'refused' },
	{ ...CONN_FLOW, type: 'reset_out' as const, pid: 0, comm: '', laddr: '10.0.0.1', lport: 9999, raddr: '10.0.0.9', rport: 50001, noSocket: true },
];

function frame(state: UiState, width = 80, height = 23): string {
	const { lastFrame, unmount } = render(<Screen state={state} width={width} height={height} color={false} unicode={false} currentNetns={HERE} />);
	const out = lastFrame() ?? '';
	unmount();
	return out;
}

function state(actions: Action[] = []): UiState {
	const first = raw(0, {
		nic: { counters: [nic(0, { netns: HERE, ifname: 'eth0', queue: 0 }), nic(0, { netns: HERE, ifname: 'eth0', queue: 1 }), nic(0, { netns: 99, ifindex: 5, ifname: 'veth1' })], lost: 0 },
		tcp: { counters: [tcp(0, 0, { cookie: 1, pid: 11, comm: 'nginx', lport: 443, rport: 50000 }), tcp(0, 0, { cookie: 2, pid: 22, comm: 'curl', rport: 8080 })], lost: 0 },
	});
	const second = raw(1000, {
		nic: { counters: [nic(2_000_000, { netns: HERE, ifname: 'eth0', queue: 0 }), nic(1_000_000, { netns: HERE, ifname: 'eth0', queue: 1 }), nic(5000, { netns: 99, ifindex: 5, ifname: 'veth1' })], lost: 0 },
		tcp: { counters: [tcp(3_000_000, 1000, { cookie: 1, pid: 11, comm: 'nginx', lport: 443, rport: 50000 }), tcp(500, 200_000, { cookie: 2, pid: 22, comm: 'curl', rport: 8080 })], lost: 0 },
		rtt: { unit: 'usecs', counters: [rtt([40, 50, 60, 70, 100, 3000], { cookie: 1 })], lost: 0 },
		retrans: { events: [retrans({ pid: 11, comm: 'nginx', lport: 443, rport: 50000, segs: 3 }), retrans({ kind: 'synack', pid: 0, comm: '', state: 'NEW_SYN_RECV' })], lost: 0 },
		conns: connsSnap({
			counts: new Map([
				[HERE, { active_opens: 7, passive_opens: 2, attempt_fails: 1, estab_resets: 0, out_rsts: 554, in_rsts: 3 }],
				[99, { active_opens: 0, passive_opens: 5, attempt_fails: 0, estab_resets: 1, out_rsts: 0, in_rsts: 0 }],
			]),
			events: CONN_EVENTS,
		}),
		drops: dropsSnap({
			counts: new Map([['d', { netns: HERE, ifindex: 2, ifname: 'eth0', protocol: 'ipv4/udp', reason: 'NO_SOCKET', count: 300 }]]),
			flows: new Map([[1, { ...CONN_FLOW, pid: 11, comm: 'nginx', reason: 'SOCKET_RCVBUFF', state: 'CLOSE', count: 7 }]]),
			events: [{ ...CONN_FLOW, pid: 0, comm: '', time: 0, reason: 'NO_SOCKET', location: '__udp4_lib_rcv+0x4bc', ifname: 'eth0', protocol: 'ipv4/udp', state: '', socket: false }],
		}),
	});
	const ui = new TestStore();
	ui.read(first, second);
	return ui.act(...actions);
}

test('fits 80x24: 23 lines, none wider than 80, on every tab and in help', () => {
	for (const actions of [[], [{ type: 'tab', tab: 'tcp' }], [{ type: 'tab', tab: 'tcp' }, { type: 'tab-key', key: 'c' }], [{ type: 'tab', tab: 'rtt' }], [{ type: 'tab', tab: 'rtt' }, { type: 'tab-key', key: 'a' }], [{ type: 'tab', tab: 'rtt' }, { type: 'tab-key', key: 'a' }, { type: 'tab-key', key: 'a' }], [{ type: 'tab', tab: 'rtt' }, { type: 'tab-key', key: 'a' }, { type: 'tab-key', key: 'a' }, { type: 'tab-key', key: 'a' }], [{ type: 'tab', tab: 'retrans' }], [{ type: 'tab', tab: 'conns' }], [{ type: 'tab', tab: 'conns' }, { type: 'tab-key', key: 'a' }], [{ type: 'tab', tab: 'drops' }], [{ type: 'help' }]] as Action[][]) {
		const lines = frame(state(actions)).split('\n');
		assert.ok(lines.length <= 23, `${JSON.stringify(actions)}: ${lines.length} lines`);
		for (const l of lines) assert.ok([...l].length <= 80, `${JSON.stringify(actions)}: ${[...l].length} columns: ${l}`);
	}
});

test('NIC: interfaces with their queues, rates right-aligned, other namespaces numbered', () => {
	const f = frame(state());
	assert.match(f, /^nettop {2}\d\d:\d\d:\d\d {2}every 1s/);
	assert.match(f, /\nB\/s tx rx {2}NIC 2\.9M 0 {2}TCP 2\.9M 196K {2}RTT p50 64 p99 3973us\nRTX 4\.0seg\/s {2}CONN 14 1\.0f 557r\/s {2}DROP 300\/s\n/, 'at 80 columns two lines: the legend, the wide gaps and the long forms');
	assert.match(f, /\n 1 NIC {3}2 Traffic {3}3 RTT {3}4 Rtx {3}5 Conns {3}6 Drops {3}7 Lat {3}sort: total\n/, 'every tab, and the sort');
	assert.match(f, /\neth0 +all +2\.9M +0 +0 +0 +0 +0 +#/, 'the interface: its queues added up, history');
	assert.match(f, /\n {24}0 +1\.9M +0/, 'queue 0');
	assert.match(f, /\n {24}1 +977K +0/, 'queue 1');
	assert.match(f, /\nveth1 {6}99 {11}0 {3}4\.9K/, 'another namespace: its inode');
});

test('tcptop: processes busiest first; connections with c', () => {
	const f = frame(state([{ type: 'tab', tab: 'tcp' }]));
	assert.match(f, / 2 Traffic /);
	const rows = f.split('\n').filter((l) => /^ +\d{2} \w/.test(l));
	assert.match(rows[0]!, /^\s+11 nginx\s+1\s+tcp\s+2\.9M\s+1\.0K$/);
	assert.match(rows[1]!, /^\s+22 curl\s+1\s+tcp\s+500\s+195K$/);
	const c = frame(state([{ type: 'tab', tab: 'tcp' }, { type: 'tab-key', key: 'c' }]));
	assert.match(c, /11 nginx\s+tcp\s+10\.0\.0\.1:443\s+10\.0\.0\.2:50000\s+2\.9M\s+1\.0K/);
});

test('RTT: tcprtt-style bars scaled to the biggest slot, and per address', () => {
	const f = frame(state([{ type: 'tab', tab: 'rtt' }]));
	// At 80 columns closer set: the line holds its widest figures (a million samples, 10 ms times) whole.
	assert.match(f, /count 6 avg 553\.3 p50 64 p90 2867\.2 p99 3973\.1 usecs\n/);
	assert.match(f, /32 -> 63\s+: 3\s+\|\*{40}\|/);
	assert.match(f, /64 -> 127\s+: 2\s+\|\*{27} {13}\|/);
	assert.match(f, /2048 -> 4095\s+: 1\s+\|\*{13} {27}\|/);
	const a = frame(state([{ type: 'tab', tab: 'rtt' }, { type: 'tab-key', key: 'a' }]));
	assert.match(a, /REMOTE ADDRESS +NETNS +COUNT +AVG us +P50 us +P99 us\n10\.0\.0\.2\s+6\s+553\.3/);
	assert.match(a, /a procs/, 'the footer says what a shows next');
	const p = frame(state([{ type: 'tab', tab: 'rtt' }, { type: 'tab-key', key: 'a' }, { type: 'tab-key', key: 'a' }]));
	assert.match(p, /PID COMM +CONNS +COUNT +AVG us +P50 us +P99 us\n +\d+ \w+ +1 +6 +553\.3/, 'per process');
	const c = frame(state([{ type: 'tab', tab: 'rtt' }, ...Array.from({ length: 3 }, () => ({ type: 'tab-key', key: 'a' }) as Action)]));
	assert.match(c, /PID COMM +LOCAL +REMOTE +COUNT +AVG us +P50 us +P99 us\n.*10\.0\.0\.1:40000 +10\.0\.0\.2:443 +6 +553\.3/, 'per connection, with its owner and ends');
	assert.match(c, /a hist/);
});

test('RTT by address: one row per namespace (127.0.0.1 in two is two rows), named as ip netns names them; loopback\'s share', () => {
	const lo = (cookie: number, netns: number) => ({ cookie, netns, laddr: '127.0.0.1', raddr: '127.0.0.1', lport: 40000 + cookie, rport: 80 });
	const ui = new TestStore();
	ui.read(
		raw(0, { rtt: { unit: 'usecs', counters: [rtt([], lo(1, HERE)), rtt([], lo(2, 77))], lost: 0 } }),
		{ ...raw(1000, { rtt: { unit: 'usecs', counters: [rtt([10, 20], lo(1, HERE)), rtt([30], lo(2, 77)), rtt([500], { cookie: 3 })], lost: 0 } }), netnsNames: new Map([[77, 'blue']]) },
	);
	const f = frame(ui.act({ type: 'tab', tab: 'rtt' }, { type: 'tab-key', key: 'a' }));
	assert.match(f, /count 4 \(75% loopback\)/);
	assert.match(f, /\n127\.0\.0\.1 +2 /, 'this namespace: no NETNS');
	assert.match(f, /\n127\.0\.0\.1 +blue +1 /, 'the other, by its name');
	const rows = available(ui.getState().sample!.rtt).by_raddr;
	assert.deepEqual(rows.map((r) => [r.raddr, r.netns, r.netns_name]).sort(), [['10.0.0.2', 4026531840, null], ['127.0.0.1', 77, 'blue'], ['127.0.0.1', HERE, null]].sort());
});

test('Retransmits: the interval, flows and events with owner, state and kind', () => {
	const f = frame(state([{ type: 'tab', tab: 'retrans' }]));
	assert.match(f, /this interval: 2 retransmits, 4 segments \(4\.0 seg\/s\)/);
	assert.match(f, /\nper flow, the last 2 events \(since \d\d:\d\d:\d\d\):\n/, 'the per-flow window is stated');
	assert.match(f, /11 nginx\s+10\.0\.0\.1:443\s+10\.0\.0\.2:50000\s+1\s+3/);
	assert.match(f, /\d\d:\d\d:\d\d\s+11 nginx\s+10\.0\.0\.1:443\s+10\.0\.0\.2:50000\s+ESTAB\s+data\s+3/);
	assert.match(f, /\d\d:\d\d:\d\d\s+-\s+10\.0\.0\.1:40000\s+10\.0\.0\.2:443\s+SYNRCV synack\s+1/);
});

test('the filter shows in the header and applies to the tabs', () => {
	const s = state([{ type: 'tab', tab: 'tcp' }, { type: 'prompt', kind: 'port' }, { type: 'prompt-type', char: '4' }, { type: 'prompt-type', char: '4' }, { type: 'prompt-type', char: '3' }]);
	const f = frame(s);
	assert.match(f, /filter: port 443/);
	assert.match(f, /filter by port \(comma separated, Enter done, Esc cancel\): 443_/);
	assert.match(f, /11 nginx/);
	assert.doesNotMatch(f, /22 curl/);
	const r = frame(reducer(s, { type: 'tab', tab: 'retrans' }));
	assert.match(r, /this interval: 2 retransmits/, 'the SYN-ACK on 443 stays; both match');
});

test('long lists end with a count of hidden rows', () => {
	const many = Array.from({ length: 40 }, (_, i) => tcp(i + 1, 0, { cookie: i + 1, pid: 1000 + i }));
	const s = new TestStore({ tab: 'tcp' }).read(raw(0, { tcp: { counters: many.map((c) => ({ ...c, tx_bytes: 0 })), lost: 0 } }), raw(1000, { tcp: { counters: many, lost: 0 } }));
	const f = frame(s);
	assert.match(f, /\.\.\. 24 more processes/);
	assert.match(f, /1024 curl/);
	assert.doesNotMatch(f, /1023 curl/);
	assert.equal(f.split('\n').length, 23);
});

test('help lists the keys in a table, in ASCII (no box to draw under LANG=C)', () => {
	const f = frame(state([{ type: 'help' }]));
	assert.match(f, /\nKEY\s+ACTION\n/);
	assert.match(f, /\nP or \/\s+filter by local or remote port\n/);
	const all = [f, frame(state([{ type: 'help' }, { type: 'move', to: 'page-down' }]))].join('\n');
	assert.match(all, /In a filter prompt: comma separated, Enter done, Esc cancel\./, 'on the help\'s last page');
	assert.match(all, /\na +RTT: histogram,[\s\S]*Connections:\s+per\s+remote\s+endpoint,\s+per\s+local\s+port/, 'a tab key several tabs use: what it does on each');
	assert.doesNotMatch(all, /[^\x20-\x7e\n]/, 'ASCII only');
});

test('an unavailable collector says why in its tab', () => {
	const s = new TestStore({ tab: 'tcp' }).read(raw(0, { tcp: { unavailable: 'no way to hook send' } }), raw(1000, { tcp: { unavailable: 'no way to hook send' } }));
	const f = frame(s);
	assert.match(f, /Traffic is unavailable on this system:\nno way to hook send/);
	assert.match(f, /TCP n\/a n\/a/);
});

test('updates lost in the kernel show in the header', () => {
	const s = new TestStore().read(raw(0), raw(1000, { tcp: { counters: [], lost: 12 } }));
	assert.match(frame(s).split('\n')[0]!, /LOST tcp 12/);
});

/** A screen whose connections are IPv6 with long addresses. */
function ipv6State(actions: Action[] = []): UiState {
	const v6 = (cookie: number, laddr: string, raddr: string, rport: number) => ({ cookie, pid: 30 + cookie, comm: 'iperf3', family: 6 as const, laddr, lport: 40000 + cookie, raddr, rport });
	const flows = [v6(1, 'fd00:88::abcd:ef01:2345', 'fd00:88::abcd:ef01:2346', 5201), v6(2, 'fd00:88::abcd:ef01:2345', 'fd00:88::abcd:ef01:2346', 5202)];
	const ui = new TestStore();
	ui.read(
		raw(0, { tcp: { counters: flows.map((f) => tcp(0, 0, f)), lost: 0 } }),
		raw(1000, {
			tcp: { counters: flows.map((f) => tcp(1_000_000, 1000, f)), lost: 0 },
			retrans: { events: flows.map((f) => retrans({ ...f, segs: 1 })), lost: 0 },
			rtt: { unit: 'usecs', counters: [rtt([40, 50], flows[0])], lost: 0 },
		}),
	);
	return ui.act(...actions);
}

test('IPv6 endpoints: cut in their middle, never losing the port, wider on a wide screen', () => {
	const conns = [{ type: 'tab', tab: 'tcp' }, { type: 'tab-key', key: 'c' }] as Action[];
	for (const width of [60, 80]) {
		const f = frame(ipv6State(conns), width);
		assert.match(f, /\[fd\S*~\S*45\]:40001 +\[fd\S*~\S*46\]:5201 /, `${width}: both ends keep their ports\n${f}`);
		assert.match(f, /\]:5202 /, `${width}: the two rows differ by their port`);
	}
	assert.match(frame(ipv6State(conns), 80), /\[fd00:~1:2345\]:40001 /, '80: more of the address');
	const wide = frame(ipv6State(conns), 140);
	assert.match(wide, /\[fd00:88::abcd:ef01:2345\]:40001 +\[fd00:88::abcd:ef01:2346\]:5201 /, '140 columns: whole addresses');
	const retransmits = frame(ipv6State([{ type: 'tab', tab: 'retrans' }]), 80);
	assert.match(retransmits, /\]:5201 +1 +1\n/, 'per-flow retransmits: the remote port, then the figures');
	assert.match(retransmits, /\]:5202 +ESTAB +\w+ +1\n/, 'events: the remote port, state, kind and segments');
});

test('a narrow screen (60x18) keeps every figure: names and addresses shrink, decoration goes', () => {
	const at = (actions: Action[], s = state) => frame(s(actions), 60, 17);
	const check = (f: string, headers: RegExp[], what: string) => {
		const lines = f.split('\n');
		assert.ok(lines.length <= 17 && lines.every((l) => l.length <= 60), `${what}: fits 60x17\n${f}`);
		for (const h of headers) assert.match(f, h, `${what}: ${h}\n${f}`);
	};
	check(at([]), [/\nB\/s NIC 2\.9M 0 TCP 2\.9M 196K RTT 64\/3973us\nRTX 4\.0seg\/s CONN 14 1\.0f 557r\/s DROP 300\/s\n/, /\n 1 NIC {2}2 Traffic {2}3 RTT {2}4 Rtx {2}5 Conns {2}6 Drops {2}7 Lat\n/, /IFACE +NETNS +Q +TX B\/s +TXpk\/s +TXavg B +RX B\/s +RXpk\/s +RXavg B$/m, /eth0 +all +2\.9M/], 'NIC');
	check(at([{ type: 'tab', tab: 'tcp' }]), [/PID COMM +SOCKS +PROTO +TX B\/s +RX B\/s/], 'tcptop');
	check(at([{ type: 'tab', tab: 'tcp' }, { type: 'tab-key', key: 'c' }]), [/REMOTE +TX B\/s +RX B\/s/, /2\.9M +1\.0K/], 'tcptop connections');
	check(at([{ type: 'tab', tab: 'rtt' }, { type: 'tab-key', key: 'a' }]), [/COUNT +AVG us +P50 us +P99 us$/m], 'RTT by address');
	check(at([{ type: 'tab', tab: 'retrans' }]), [/REMOTE +EVENTS +SEGS/, /REMOTE +STATE +KIND +SEG/, /ESTAB/], 'Retransmits');
	check(
		at([{ type: 'tab', tab: 'conns' }]),
		[/\nconn 7\.0 acc 7\.0 fail 1\.0 abrt 1\.0 rst 554\/3\.0\/s\n/, /NETNS +CONNECT +ACCEPT +FAIL +ABORT +RSTOUT +RSTIN +ESTAB/, /OPENS +FAIL +RST +CLOSE +CONNavg +CONNp99 +LIFEavg/, /10\.0\.0\.2:443 +1 +0 +0 +1 +850us +850us +1\.5s/, /\(none\) +RST out .*no socket/, /curl +FAIL .*refused/],
		'Connections',
	);
	check(at([{ type: 'tab', tab: 'drops' }]), [/drops 300\/s/, /NO_SOCKET +eth0 +ipv4\/udp +300 +300/, /nginx .*SOCKET_RCVBUFF +CLOSE +7/, /NO_SOCKET +__udp4_lib_rcv\S* +10\.0\.0\.2:443/], 'Drops');
	const pages: string[] = [];
	for (const actions: Action[] = [{ type: 'help' }]; !pages.at(-1)?.includes('(Down: the first)'); actions.push({ type: 'move', to: 'down' })) {
		pages.push(at(actions));
		check(pages.at(-1)!, [new RegExp(`help page ${pages.length} of \\d+`)], `help, page ${pages.length}`);
	}
	check(pages[0]!, [/^KEY +ACTION/m], 'help');
	const all = pages.join('\n');
	for (const r of helpRows()) assert.ok(all.includes(r.key.split(',')[0]!), `help lists ${r.key}\n${all}`);
});

test('Connections at 80x24: counts as the kernel counts them, per namespace, per endpoint, and the events with their details', () => {
	const f = frame(state([{ type: 'tab', tab: 'conns' }]));
	assert.match(f, /\nconn 7\.0\/s acc 7\.0\/s fail 1\.0\/s abrt 1\.0\/s RST out 554\/s in 3\.0\/s\n/);
	assert.match(f, /\(own\) +7 +2 +1 +0 +554 +3 +-/, 'nettop\'s own namespace');
	assert.match(f, /\n99 +0 +5 +0 +1 +0 +0 +-/, 'another, by inode');
	assert.match(f, /curl +FAIL +10\.0\.0\.1:40000 +10\.0\.0\.2:81 +refused/);
	assert.match(f, /curl +connect .*850us/);
	const byPort = frame(state([{ type: 'tab', tab: 'conns' }, { type: 'tab-key', key: 'a' }]));
	assert.match(byPort, /PORT +OPENS/);
	assert.match(byPort, /\n9999 +0 +0 +1 +0/, 'the RST for a closed port, under the port it was for');
	const down = { type: 'key', input: '', key: { downArrow: true } } as const;
	const enter = { type: 'key', input: '\r', key: { return: true } } as const;
	assert.equal(state([{ type: 'tab', tab: 'conns' }, down, enter]).drill, undefined, 'the newest event, an RST without a socket, has no process to open');
	const drill = state([{ type: 'tab', tab: 'conns' }, down, down, enter]);
	assert.deepEqual(drill.drill?.owner, { pid: 22, comm: 'curl' }, 'Enter on an event: its process');
	assert.match(frame(drill), /recent connection events: 1 opened, 1 closed, 1 failed \(refused 1\), 0 RSTs/, 'the process\'s connection events, in a line');
});

test('Up/Down select a process in tcptop; Enter shows its connections with bytes, RTT and retransmits; Esc goes back', () => {
	let s = state([{ type: 'tab', tab: 'tcp' }, { type: 'key', input: '', key: { downArrow: true } }, { type: 'key', input: 'j', key: {} }]);
	assert.equal(s.cursor.tcp?.at, 1, 'two steps down from no selection: the second row');
	s = reducer(s, { type: 'key', input: '', key: { upArrow: true } });
	assert.equal(s.cursor.tcp?.at, 0);
	s = reducer(s, { type: 'key', input: '', key: { end: true } });
	assert.equal(s.cursor.tcp?.at, 1, 'End: the last of the two processes');
	s = reducer(s, { type: 'key', input: '', key: { pageDown: true } });
	assert.equal(s.cursor.tcp?.at, 1, 'never past the last');
	s = reducer(s, { type: 'key', input: 'g', key: {} });
	assert.equal(s.cursor.tcp?.at, 0, 'g: the first');
	s = reducer(s, { type: 'key', input: '\r', key: { return: true } });
	assert.deepEqual(s.drill?.owner, { pid: 11, comm: 'nginx' }, 'Enter: the busiest process, nginx');
	// The same interval with RTT samples on nginx's connection.
	const nginx = { cookie: 1, pid: 11, comm: 'nginx', lport: 443, rport: 50000 };
	const ui = new TestStore({ tab: 'tcp' });
	ui.read(
		raw(0, { tcp: { counters: [tcp(0, 0, nginx)], lost: 0 }, rtt: { unit: 'usecs', counters: [rtt([], nginx)], lost: 0 } }),
		raw(1000, { tcp: { counters: [tcp(3_000_000, 1000, nginx)], lost: 0 }, rtt: { unit: 'usecs', counters: [rtt([40, 50, 60], nginx)], lost: 0 }, retrans: { events: [retrans({ ...nginx, segs: 3 })], lost: 0 } }),
	);
	s = ui.act({ type: 'key', input: '\r', key: { return: true } });
	const f = frame(s);
	assert.match(f, /process 11 nginx: 1 connection \(Esc back\)/);
	assert.match(f, /LOCAL +REMOTE +TX\/s +RX\/s +P50us +P99us +RTX\n10\.0\.0\.1:443 +10\.0\.0\.2:50000 +2\.9M +1\.0K +\d+(\.\d)? +\d+(\.\d)? +3\n/, 'bytes, RTT and retransmitted segments of the one connection');
	assert.doesNotMatch(f, / - +- /, 'the RTT is known');
	assert.match(f, /Esc back/);
	s = reducer(s, { type: 'key', input: '', key: { escape: true } });
	assert.equal(s.drill, undefined);
	assert.match(frame(s), /PID COMM +SOCKS/, 'back on tcptop');
});

test('a long list scrolls a page at a time and says which rows show', () => {
	const many = Array.from({ length: 50 }, (_, k) => tcp(0, 0, { cookie: k + 1, pid: 100 + k, comm: `p${k}` }));
	const more = many.map((c, k) => ({ ...c, tx_bytes: (50 - k) * 1000 }));
	const ui = new TestStore({ tab: 'tcp' });
	ui.read(raw(0, { tcp: { counters: many, lost: 0 } }), raw(1000, { tcp: { counters: more, lost: 0 } }));
	let s = ui.act({ type: 'resize', width: 80, height: 12 }, { type: 'key', input: '', key: { pageDown: true } }, { type: 'key', input: '', key: { pageDown: true } });
	assert.equal(s.cursor.tcp?.at, 19, 'a page of 10 rows: the 12 lines less the column header and the line saying which show');
	const f = frame(s, 80, 17);
	assert.match(f, /processes 11-20 of 50 \(Up\/Down, PgUp\/PgDn; Enter: its connections\)/, 'the page holding row 20, and where it is');
	assert.match(f, /\n +119 p19 /);
	assert.doesNotMatch(f, /\n +100 p0 /);
	s = reducer(s, { type: 'key', input: 'G', key: {} });
	assert.match(frame(s, 80, 17), /processes 41-50 of 50/);
});

test('NIC sparklines: as wide as the screen leaves, one scale for every row, its top in the header', () => {
	const f = frame(state(), 120);
	assert.match(f, /RXavg B TX\+RX B\/s 0-2\.9M\n/, 'the shared scale\'s top');
	assert.match(f, /\neth0 .*#\n/, 'the busiest interface reaches the top');
	assert.match(f, /\nveth1 .* _\n/, '4.9K/s on a 2.9M/s scale stays at the bottom, not full as its own maximum would make it');
	const row = f.split('\n').find((l) => l.startsWith('eth0'))!;
	assert.ok(row.length > 100, `the sparkline column takes the width (right-aligned, its newest point at the right edge): ${row.length}`);
});

test('rows of processes in a container show its id where there is room: Traffic, RTT, Retransmits; the column goes first on a narrow screen', () => {
	const docker = cgroupOf(5, '/system.slice/docker-0123456789abcdef0123.scope');
	const cgroups = { get: (id: number) => (id === 5 ? docker : undefined) };
	const flows = [tcp(0, 0, { cookie: 1, pid: 11, comm: 'nginx', cgroupId: 5 }), tcp(0, 0, { cookie: 2, pid: 22, comm: 'curl', rport: 8080 })];
	const at = (actions: Action[], width = 80) => {
		const ui = new TestStore();
		ui.read(
			{ ...raw(0, { tcp: { counters: flows, lost: 0 } }), cgroups },
			{
				...raw(1000, {
					tcp: { counters: flows.map((f) => ({ ...f, tx_bytes: 5000 })), lost: 0 },
					rtt: { unit: 'usecs', counters: [rtt([40, 50], { cookie: 1, pid: 11, comm: 'nginx', cgroupId: 5 })], lost: 0 },
					retrans: { events: [retrans({ pid: 11, comm: 'nginx', cgroupId: 5 })], lost: 0 },
				}),
				cgroups,
			},
		);
		return frame(ui.act(...actions), width);
	};
	assert.match(at([{ type: 'tab', tab: 'tcp' }]), /PID COMM +CONTAINER +SOCKS[\s\S]*11 nginx +0123456789ab +1 tcp[\s\S]*22 curl +- +1 tcp/);
	assert.match(at([{ type: 'tab', tab: 'tcp' }, { type: 'tab-key', key: 'o' }]), /CONTAINER \(else CGROUP\)[\s\S]*0123456789ab +1 +1/);
	assert.match(at([{ type: 'tab', tab: 'rtt' }, { type: 'tab-key', key: 'a' }, { type: 'tab-key', key: 'a' }]), /PID COMM +CONTAINER +CONNS[\s\S]*11 nginx +0123456789ab/);
	assert.match(at([{ type: 'tab', tab: 'retrans' }]), /PID COMM +CONTAINER +LOCAL/);
	assert.doesNotMatch(at([{ type: 'tab', tab: 'tcp' }, { type: 'tab-key', key: 'c' }], 60), /CONTAINER/, '60 columns: the container goes before an endpoint');
	assert.match(at([{ type: 'tab', tab: 'tcp' }, { type: 'tab-key', key: 'c' }], 60), /LOCAL +REMOTE/);
});

/** Without SGR sequences, trailing blanks trimmed per row: what a reader of the terminal sees. */
const seen = (text: string) =>
	text
		.replace(/\x1b\[[0-9;]*m/g, '')
		.split('\n')
		.map((l) => l.trimEnd())
		.join('\n');

test('screenText, the first frame written before Ink loads: the rows Ink draws for the same state, on the start-up state and on every tab with data', () => {
	const starting = initialState({ intervalMs: 1000, filter: NO_FILTER, tab: 'nic' });
	const states = [starting, initialState({ intervalMs: 1000, filter: NO_FILTER, tab: 'tcp' }), state(), state([{ type: 'tab', tab: 'tcp' }]), state([{ type: 'tab', tab: 'conns' }]), state([{ type: 'help' }])];
	for (const s of states) {
		const text = screenText({ state: s, width: 80, height: 23, color: false, unicode: false, currentNetns: HERE });
		assert.equal(text.split('\n').length, 23, 'as many rows as the screen Ink draws');
		assert.equal(seen(text), seen(frame(s)), `tab ${s.tab}${s.help ? ' (help)' : ''}`);
	}
	// Styled as Ink styles it: the name bold, the tab shown inverse; colour only when asked.
	const plain = screenText({ state: starting, width: 80, height: 23, color: false, unicode: false, currentNetns: HERE });
	assert.match(plain.split('\n')[0]!, /^\x1b\[1mnettop\x1b\[0m/);
	assert.match(plain, /\x1b\[[0-9;]*7[0-9;]*m 1 NIC /);
	const withLoss = state();
	const lossy = { ...withLoss, sample: withLoss.sample && { ...withLoss.sample, lost: { tcp: 3 } } };
	assert.ok(!/\x1b\[[0-9;]*3[1-6]m/.test(screenText({ state: lossy, width: 80, height: 23, color: false, unicode: false, currentNetns: HERE })), 'no colour under NO_COLOR');
	assert.ok(/\x1b\[[0-9;]*3[1-6]m/.test(screenText({ state: lossy, width: 80, height: 23, color: true, unicode: false, currentNetns: HERE })), 'the LOST figure in colour otherwise');
});
