// Every tab's list, paged with PgDn and PgUp at odd screen sizes: each page starts where the last ended, none skipped, none twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnEvent } from '../../source/features/conns/model.js';
import type { DropEvent } from '../../source/features/drops/model.js';
import type { LatencyPacket } from '../../source/features/latency/model.js';
import { LIST_KEEPS, plainText } from '../../source/format/lines.js';
import { chrome, screenParts, screenText } from '../../source/ui/frame-lines.js';
import type { Action, UiState } from '../../source/ui/state.js';
import { connsSnap, dropsSnap, latencySnap, nic, raw, retrans, rtt, tcp } from '../fixtures/records.js';
import { TestStore } from '../helpers/ui.js';

const N = 157;
const HERE = 4026531840;
const FLOW = { netns: HERE, family: 4 as const, laddr: '10.0.0.1', lport: 40000, raddr: '10.0.0.2', rport: 443, cgroupId: 0, state: 'ESTABLISHED' };
const flow = (k: number) => ({ cookie: k + 1, pid: 1000 + k, comm: `p${k}`, lport: 20000 + k, raddr: `10.0.${k >> 8}.${k & 255}` });

/** A store with many rows in every tab's list: interfaces, processes and their connections, RTT flows, and events of every event list; notes above the lists (events left out, a kernel's blind spot, listen queues) as a busy host has them. */
function busy(): TestStore {
	const nics = (n: number) => Array.from({ length: N }, (_, k) => nic(n * (k + 1), { ifindex: k + 2, ifname: `veth${k}` }));
	const flows = (n: number) => Array.from({ length: N }, (_, k) => tcp(n * (k + 1), 0, flow(k)));
	// One process's connections, for the drill-down.
	const own = (n: number) => Array.from({ length: N }, (_, k) => tcp(n * (k + 1), 0, { cookie: 10_000 + k, pid: 7, comm: 'many', lport: 30000 + k }));
	const rtts = Array.from({ length: N }, (_, k) => rtt([k + 1, 2 * k + 1], flow(k)));
	const time = (k: number) => 1_700_000_000_000 + k;
	// Retransmits of 9 flows: more flows than fit above the events.
	const retransmits = Array.from({ length: N }, (_, k) => retrans({ ...flow(k % 9), time: time(k) }));
	const conns: ConnEvent[] = Array.from({ length: N }, (_, k) => ({ ...FLOW, ...flow(k % 11), time: time(k), type: 'connect', direction: 'connect', latencyUs: k }));
	const drops: DropEvent[] = Array.from({ length: N }, (_, k) => ({ ...FLOW, ...flow(k % 5), time: time(k), reason: 'NO_SOCKET', location: 'tcp_v4_rcv+0x1a3', ifname: 'eth0', protocol: 'ipv4/tcp', socket: false }));
	const dropFlows = (n: number) => new Map(Array.from({ length: 7 }, (_, k) => [k, { ...FLOW, ...flow(k), reason: 'SOCKET_RCVBUFF', state: null, count: n * (k + 1) }]));
	const listen = (n: number) => new Map([[HERE, { overflows: n, drops: n }]]);
	const none = { stack: null, qdisc: null, driver: null, socket: null };
	// Seven stage rows: stack, qdisc and driver on two devices, socket on one.
	const packets: LatencyPacket[] = Array.from({ length: N }, (_, k) => ({
		...FLOW,
		...flow(k % 13),
		time: time(k),
		dir: k % 3 ? 'send' : 'receive',
		ifindex: 2 + (k % 2),
		ifname: `nt${k % 2}`,
		queue: 0,
		proto: 'tcp',
		len: 100,
		stages: k % 3 ? { ...none, stack: k, qdisc: 2 * k, driver: 1 } : { ...none, socket: 3 * k },
		paced: false,
		segments: 1,
		segmented: false,
	}));
	const ui = new TestStore();
	ui.read(
		raw(0, {
			nic: { counters: nics(0), lost: 0 },
			tcp: { counters: [...flows(0), ...own(0)], lost: 0 },
			rtt: { counters: rtts.map((r) => ({ ...r, count: 0, sum: 0, slots: new Array<number>(27).fill(0) })), lost: 0 },
			drops: dropsSnap({ flows: dropFlows(0), listen: listen(0) }),
			latency: latencySnap(),
		}),
		raw(1000, {
			nic: { counters: nics(1000), lost: 0 },
			tcp: { counters: [...flows(1000), ...own(1)], lost: 0 },
			rtt: { counters: rtts, lost: 0 },
			retrans: { events: retransmits, lost: 0 },
			conns: connsSnap({ events: conns, eventsSampled: 979, eventsLost: 12, sight: { resetsSent: 'sockets', resetsReceived: true, accepts: true }, counts: new Map([[HERE, { active_opens: N, passive_opens: 0, attempt_fails: 0, estab_resets: 0, out_rsts: 0, in_rsts: 0 }], [99, { active_opens: 1, passive_opens: 0, attempt_fails: 0, estab_resets: 0, out_rsts: 0, in_rsts: 0 }]]) }),
			drops: dropsSnap({ events: drops, eventsSampled: 979, flows: dropFlows(1), listen: listen(3), counts: new Map(Array.from({ length: 6 }, (_, k) => [`r${k}`, { netns: HERE, ifindex: 2, ifname: 'eth0', protocol: 'ipv4/tcp', reason: `REASON_${k}`, count: k + 1 }])) }),
			latency: latencySnap({ packets, counts: { sampled: [N, 0], unmatched: [0, 0] } }),
		}),
	);
	return ui;
}

const tab = (key: UiState['tab'], ...more: Action[]): Action[] => [{ type: 'tab', tab: key }, ...more];
const tabKey = (key: string): Action => ({ type: 'tab-key', key });
/** Each list: how to get to it, and what its rows are called. */
const LISTS: [string, Action[], string][] = [
	['NIC', tab('nic'), 'rows'],
	['Traffic', tab('tcp'), 'processes'],
	['Traffic, connections', tab('tcp', tabKey('c')), 'connections'],
	['RTT per address', tab('rtt', tabKey('a')), 'addresses'],
	['RTT per process', tab('rtt', tabKey('a'), tabKey('a')), 'processes'],
	['RTT per connection', tab('rtt', tabKey('a'), tabKey('a'), tabKey('a')), 'connections'],
	['Retransmits', tab('retrans'), 'events'],
	['Connections', tab('conns'), 'events'],
	['Drops', tab('drops'), 'drops'],
	['Latency', tab('latency'), 'packets'],
	// pid 7's connections: the first row of Traffic sorted by pid is pid 7.
	['the drill-down', tab('tcp', { type: 'sort' }, { type: 'sort' }, { type: 'sort' }, { type: 'key', input: '\r', key: { return: true } }), 'connections'],
];

const key = (k: 'pageDown' | 'pageUp' | 'home'): Action => ({ type: 'key', input: '', key: { [k]: true } });

/** The rows a screen shows, as its list's last line says: "events 11-20 of 157". */
function pageOf(ui: TestStore, width: number, height: number, what: string): [number, number, number] {
	const text = screenText({ state: ui.getState(), width, height, color: false, unicode: false, currentNetns: HERE }).replace(/\x1b\[[0-9;]*m/g, '');
	const m = new RegExp(`^${what} (\\d+)-(\\d+) of (\\d+)( |$)`, 'm').exec(text);
	assert.ok(m, `no "${what} a-b of n" line:\n${text}`);
	return [Number(m[1]), Number(m[2]), Number(m[3])];
}

for (const [width, rows] of [
	[80, 24],
	[80, 21],
	[60, 17],
	[100, 31],
	[80, 19],
	[60, 18],
	[60, 15],
	[80, 15],
]) {
	test(`${width}x${rows}: PgDn and PgUp page every tab's list without a gap or an overlap`, () => {
		for (const [name, to, what] of LISTS) {
			const ui = busy();
			ui.act(...to);
			// As the app does: the terminal less a line, the body of that screen.
			const height = rows! - 1;
			ui.act({ type: 'resize', width: width!, height: chrome({ state: ui.getState(), width: width!, height }).height });
			ui.act(key('home'));
			const pages = [pageOf(ui, width!, height, what)];
			assert.equal(pages[0]![0], 1, `${name}: Home shows the first row`);
			assert.ok(pages[0]![1] >= Math.min(pages[0]![2], rows! >= 18 ? LIST_KEEPS : 1), `${name} at ${width}x${rows}: a page of ${pages[0]![0]}-${pages[0]![1]}`);
			while (pages.at(-1)![1] < pages.at(-1)![2] && pages.length < 200) {
				ui.act(key('pageDown'));
				pages.push(pageOf(ui, width!, height, what));
			}
			const shown = pages.map(([a, b]) => `${a}-${b}`).join(' ');
			for (let i = 1; i < pages.length; i++) assert.equal(pages[i]![0], pages[i - 1]![1] + 1, `${name} at ${width}x${rows}: ${shown}`);
			assert.equal(pages.at(-1)![1], pages[0]![2], `${name}: the last page ends at the last row`);
			const back = [pages.at(-1)!];
			while (back.at(-1)![0] > 1 && back.length < 200) {
				ui.act(key('pageUp'));
				back.push(pageOf(ui, width!, height, what));
			}
			const up = back.map(([a, b]) => `${a}-${b}`).join(' ');
			for (let i = 1; i < back.length; i++) assert.equal(back[i]![1], back[i - 1]![0] - 1, `${name} at ${width}x${rows}, PgUp: ${up}`);
		}
	});
}

/** A busy store on a list at a screen's size (the terminal's `rows` less a line, as the app has it), and its body as the tab draws it, before the screen cuts it at its edge. */
function bodyAt(to: Action[], width: number, rows: number, ...more: Action[]): string[] {
	const ui = busy();
	ui.act(...to);
	ui.act({ type: 'resize', width, height: chrome({ state: ui.getState(), width, height: rows - 1 }).height }, ...more);
	return screenParts({ state: ui.getState(), width, height: rows - 1, color: false, unicode: false, currentNetns: HERE }).body.map(plainText);
}

/** The lists under tables: those whose tables' hints say PgDn pages them. */
const BELOW = LISTS.filter(([name]) => ['Retransmits', 'Connections', 'Drops', 'Latency'].includes(name));

test('a list with no room for a row under its tables: nothing above it promises that PgDn pages it', () => {
	let cramped = 0;
	for (const [name, to, what] of BELOW) {
		for (const width of [60, 80]) {
			for (let rows = 8; rows <= 18; rows++) {
				const body = bodyAt(to, width, rows);
				if (body.some((l) => l.startsWith(`... `) && l.includes(` more ${what}`))) continue;
				cramped++;
				assert.deepEqual(body.filter((l) => l.includes('PgDn')), [], `${name} at ${width}x${rows}:\n${body.join('\n')}`);
			}
		}
	}
	assert.ok(cramped > 0, 'some screen too short for a row of some list');
});

test('every tab\'s lines fit 60 and 80 columns on a busy host, a row selected or not: the short forms go by the width', () => {
	for (const [name, to] of [...LISTS, ['RTT', tab('rtt')] as const]) {
		for (const width of [60, 80]) {
			for (const rows of [24, 18, 15]) {
				for (const more of [[], [key('pageDown')]]) {
					const long = bodyAt(to, width, rows, ...more).filter((l) => l.length > width);
					assert.deepEqual(long, [], `${name} at ${width}x${rows}${more.length ? ', a row selected' : ''}`);
				}
			}
		}
	}
});
