// Words kept whole at 80x24 and 60x18: tab names, key hints, help rows, the tabs' notes and columns, the header's -r.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_FEATURES, FEATURE_KEYS, type FeatureKey } from '../../source/features/index.js';
import { plainText } from '../../source/format/lines.js';
import { NO_FILTER } from '../../source/model/filter.js';
import { footerLines, headerRows, helpLines, tabsLine } from '../../source/ui/bars.js';
import { screenText } from '../../source/ui/frame-lines.js';
import { helpRows } from '../../source/ui/keys.js';
import { initialState, reducer, type Action, type UiState } from '../../source/ui/state.js';
import { connsSnap, dropsSnap, raw } from '../fixtures/records.js';
import { TestStore } from '../helpers/ui.js';

const HERE = 4026531840;
const SIZES = [
	[80, 23],
	[60, 17],
] as const;

const at = (tab: FeatureKey, ...actions: Action[]): UiState => actions.reduce(reducer, initialState({ intervalMs: 1000, filter: NO_FILTER, tab }));
const text = (l: readonly { text: string }[]) => l.map((s) => s.text).join('');

test('tab names at 80 and 60 columns: each tab\'s title or its short name, whole words, never cut to letters', () => {
	assert.equal(text(tabsLine(at('nic'), 80)), ' 1 NIC   2 Traffic   3 RTT   4 Rtx   5 Conns   6 Drops   7 Lat   sort: total');
	assert.equal(text(tabsLine(at('conns'), 80)), ' 1 NIC  2 Traffic  3 RTT  4 Rtx  5 Connections  6 Drops  7 Lat  sort: opens', 'the tab shown: its title');
	assert.equal(text(tabsLine(at('nic'), 60)), ' 1 NIC  2 Traffic  3 RTT  4 Rtx  5 Conns  6 Drops  7 Lat ');
	for (const width of [80, 60]) {
		for (const tab of FEATURE_KEYS) {
			const bar = text(tabsLine(at(tab), width));
			assert.ok(bar.length <= width, `${tab} at ${width}: ${bar}`);
			ALL_FEATURES.forEach((f, i) => assert.match(bar, new RegExp(` ${i + 1} (${f.tab.title}|${f.tab.short}) `), `${tab} at ${width}: tab ${i + 1} whole\n${bar}`));
		}
	}
});

/** Every state whose footer differs: each tab in each of its tab keys' states, a process opened. */
function footerStates(): UiState[] {
	const states = FEATURE_KEYS.map((tab) => at(tab));
	for (const f of ALL_FEATURES) for (const k of f.tab.keys) states.push(at(f.key as FeatureKey, { type: 'tab-key', key: k.key }), at(f.key as FeatureKey, { type: 'tab-key', key: k.key }, { type: 'tab-key', key: k.key }));
	states.push({ ...at('tcp'), drill: { owner: { pid: 1, comm: 'x' } } });
	return states;
}

test('the footer keeps whole hints, the tab\'s own and q and ? always; the least needed go first on a narrow screen', () => {
	for (const s of footerStates()) {
		const all = text(footerLines(s)[0]!).split('  ');
		for (const [width] of SIZES) {
			const shown = text(footerLines(s, width)[0]!);
			assert.ok(shown.length <= width, `${s.tab} at ${width}: ${shown}`);
			const hints = shown.split('  ');
			assert.deepEqual(hints, all.filter((h) => hints.includes(h)), `${s.tab} at ${width}: whole hints, in order\n${shown}`);
			const own = s.drill ? ['Esc back'] : ['q quit', '? help', ...ALL_FEATURES.find((f) => f.key === s.tab)!.tab.keys.map((k) => k.footer((s.tabs as Record<string, unknown>)[s.tab])).filter(Boolean)];
			for (const h of own) assert.ok(hints.includes(h), `${s.tab} at ${width}: ${h}\n${shown}`);
		}
	}
	assert.match(text(footerLines(at('tcp'), 80)[0]!), /c conns {2}o containers$/, 'Traffic names o');
	assert.match(text(footerLines(at('conns', { type: 'tab-key', key: 'a' }), 80)[0]!), /a by remote$/);
});

test('a filter prompt\'s problem too long for the footer goes above it, whole', () => {
	const prompt = (kind: 'pid' | 'port', typed: string) => [...typed].reduce((s, char) => reducer(s, { type: 'prompt-type', char }), at('tcp', { type: 'prompt', kind }));
	for (const [width] of SIZES) {
		const lines = footerLines(prompt('port', '0'), width).map(text);
		assert.ok(lines.every((l) => l.length <= width), `${width}: ${lines.join('\n')}`);
		assert.match(lines.join(' '), /port wants ports from 1 to 65535, separated by commas; got "0"/);
		assert.match(lines.at(-1)!, /^filter by port: 0_$/);
	}
	assert.deepEqual(footerLines(prompt('pid', '1'), 80).map(text), ['filter by PID (comma separated, Enter done, Esc cancel): 1_']);
	assert.deepEqual(footerLines(at('tcp', { type: 'prompt', kind: 'cgroup' }), 60).map(text), ['filter by cgroup or container: _'], 'the keys go before the typed text');
});

test('help: a row for each key of the tabs\' own (c, o, a, +, -), and the header explained, K and M as 1024s', () => {
	for (const key of ['c', 'o', 'a', '+', '-']) assert.equal(helpRows().filter((r) => r.key === key).length, 1, key);
	assert.match(helpRows().find((r) => r.key === 'a')!.action, /^RTT: histogram, .*; Connections: per remote endpoint/);
	for (const f of ALL_FEATURES) assert.ok(headerRows().some((r) => r.key === f.figure.label), f.figure.label);
	for (const key of ['PAUSED', 'filter:', '-r connect|accept', 'LOST', 'B/s tx rx']) assert.ok(headerRows().some((r) => r.key === key), key);
	for (const [width, height] of SIZES) {
		const pages: string[] = [];
		for (let page = 0; page === 0 || !pages.at(-1)!.includes('(Down: the first)'); page++) pages.push(helpLines(width, height - 6, undefined, page).map(plainText).join('\n'));
		const all = pages.join('\n');
		assert.ok(all.split('\n').every((l) => l.length <= width), `${width}: fits`);
		assert.match(all, /^c +Traffic: connections and UDP sockets$/m, `${width}: c on its own row`);
		assert.match(all, /^- +Latency: follow fewer packets \(N \* 2\)$/m);
		assert.match(all, /K,\s+M,\s+G\s+are\s+1024,/, `${width}: 1024-based`);
		assert.match(all, /^RTT +p50 and p99/m);
	}
});

test('the tabs\' notes and the drops\' protocols fit 80 and 60 columns whole; -r connect shows in the header', () => {
	const ui = new TestStore();
	ui.read(
		raw(0),
		raw(1000, {
			conns: connsSnap({ eventsSampled: 979, eventsLost: 12 }),
			drops: dropsSnap({
				counts: new Map([['d', { netns: HERE, ifindex: 2, ifname: 'eth0', protocol: 'ipv6/icmpv6', reason: 'IP_INNOHDR', count: 3 }]]),
				events: [{ netns: HERE, family: 6, laddr: 'fd00::1', lport: 0, raddr: 'fd00::2', rport: 0, cgroupId: 0, pid: 0, comm: '', time: 0, reason: 'IP_INNOHDR', location: 'ip6_rcv_core+0x1c4', ifname: 'eth0', protocol: 'ipv6/icmpv6', state: '', socket: false }],
				eventsSampled: 979,
			}),
		}),
	);
	for (const [width, height] of SIZES) {
		const screen = (tab: FeatureKey) => screenText({ state: ui.act({ type: 'tab', tab }), width, height, color: false, unicode: false, currentNetns: HERE, modes: ['-r connect'] }).replace(/\x1b\[[0-9;]*m/g, '');
		assert.match(screen('conns'), width === 80 ? /\n991 events not listed \(979 sampled out, 12 ring full\); counted above\n/ : /\n991 events not listed \(979 sampled out, 12 ring full\)\n/, `${width}: the explanation goes first`);
		// The form hangs on the width, not on the figures: at 60 the short one, though this line's would fit.
		assert.match(screen('drops'), width === 80 ? /\n979 events not listed \(979 sampled out\); counted above\n/ : /\n979 events not listed \(979 sampled out\)\n/, `${width}`);
		assert.match(screen('drops'), /\nIP_INNOHDR .* ipv6\/icmpv6 +3 /, `${width}: the protocol whole`);
		if (width === 80) assert.match(screen('drops'), /\nIP_INNOHDR +ip6_rcv_core\+0x1c4 +ipv6\/icmpv6 +fd00::2 /, 'in the sample too (which leaves PROTO out at 60)');
		assert.match(screen('nic').split('\n')[0]!, /every 1s {2}-r connect$/, `${width}: the mode in the header`);
	}
});
