// The exporter fed a sample of every feature: the series each feature adds, with namespaces' names, the Grafana dashboard's queries naming only those, and where it serves.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Reading, Sample } from '../../source/features/index.js';
import { Exporter, metricsUrl, serveMetrics } from '../../source/output/prometheus.js';
import { buildSample } from '../../source/pipeline.js';
import { connsSnap, dropsSnap, latencySnap, nic, raw, retrans, rtt, tcp } from '../fixtures/records.js';

const DASHBOARD = fileURLToPath(new URL('../../../contrib/grafana-dashboard.json', import.meta.url));

/** An interval in which every feature has something to say, with the programs' run time known; its namespaces named by `netnsNames`. */
function everything(netnsNames: ReadonlyMap<number, string> = new Map()): Sample {
	const counts = (n: number) => new Map([[7, { active_opens: n, passive_opens: n, attempt_fails: n, estab_resets: n, out_rsts: n, in_rsts: n }]]);
	const drop = (count: number) => new Map([['d', { netns: 7, ifindex: 2, ifname: 'eth0', protocol: 'ipv4/udp', reason: 'NO_SOCKET', count }]]);
	const flows = (n: number) => [tcp(n, n, { cookie: 1 }), tcp(n, n, { cookie: 2, proto: 'udp', rport: 0 })];
	const named = (r: Reading): Reading => ({ ...r, netnsNames });
	const sample = buildSample(
		named(raw(0, { nic: { counters: [nic(0)], lost: 0 }, tcp: { counters: flows(0), lost: 0 }, conns: connsSnap({ counts: counts(0) }), drops: dropsSnap({ counts: drop(0) }) })),
		named(raw(1000, {
			nic: { counters: [nic(1500, { tx_packets: 1 })], lost: 0 },
			tcp: { counters: flows(100), lost: 2 },
			rtt: { unit: 'usecs', counters: [rtt([40, 3000])], lost: 0 },
			retrans: { events: [retrans({ segs: 2 })], lost: 0 },
			conns: connsSnap({ counts: counts(1) }),
			drops: dropsSnap({ counts: drop(5) }),
			latency: latencySnap({ packets: [1.5, 3000].map((qdisc) => ({ time: 0, dir: 'send' as const, pid: 1, comm: 'curl', netns: 7, family: 4 as const, laddr: '10.0.0.1', lport: 1, raddr: '10.0.0.2', rport: 2, ifindex: 2, ifname: 'eth0', queue: 0, proto: 'tcp' as const, cgroupId: 0, len: 100, stages: { stack: null, qdisc, driver: null, socket: null }, paced: false, segments: 1, segmented: false })) }),
		})),
	);
	return { ...sample, cost: { cpu: 0.01, bpf: 0.002 } };
}

test('every feature adds its series: names in base units, counters with _total, the kernel\'s counts as deltas', () => {
	const e = new Exporter();
	e.add(everything());
	const text = e.scrape();
	const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
	assert.equal(value('nettop_network_transmit_bytes_total{netns="1",device="eth0",queue="0"}'), 1500);
	assert.equal(value('nettop_tcp_transmit_bytes_total{comm="curl",cgroup="",container=""}'), 100);
	assert.equal(value('nettop_udp_receive_bytes_total{comm="curl",cgroup="",container=""}'), 100);
	assert.equal(value('nettop_tcp_retransmit_segments_total{netns="4026531840",kind="data"}'), 2);
	assert.equal(value('nettop_tcp_active_opens_total{netns="7"}'), 1);
	assert.equal(value('nettop_drops_total{netns="7",device="eth0",protocol="ipv4/udp",reason="NO_SOCKET"}'), 5);
	assert.equal(value('nettop_lost_total{collector="tcp"}'), 2);
	assert.equal(value('nettop_tcp_srtt_seconds_count'), 2);
	assert.equal(value('nettop_tcp_srtt_seconds_bucket{le="0.000063"}'), 1, '40 us is in the slot up to 63 us');
	assert.equal(value('nettop_tcp_srtt_seconds_sum'), 0.00304);
	assert.equal(value('nettop_bpf_run_seconds_total'), 0.002);
	assert.equal(value('nettop_latency_seconds_bucket{stage="qdisc",netns="7",device="eth0",le="0.000002"}'), 1, '1.5 us: the first slot (under 2 us)');
	assert.equal(value('nettop_latency_seconds_bucket{stage="qdisc",netns="7",device="eth0",le="0.004096"}'), 2, '3 ms under 4.096 ms');
	assert.equal(value('nettop_latency_seconds_sum{stage="qdisc",netns="7",device="eth0"}'), 0.0030015);
	e.add(everything());
	assert.equal(Number(/^nettop_drops_total\{[^}]*\} (\S+)$/m.exec(e.scrape())?.[1]), 10, 'a second interval adds to the counter');
});

test('the namespace\'s name is a label of every series that has a namespace, where it has one', () => {
	const e = new Exporter();
	e.add(everything(new Map([[7, 'web'], [4026531840, 'edge']])));
	const text = e.scrape();
	const withNetns = text.split('\n').filter((l) => /^nettop_\w+\{[^}]*\bnetns="/.test(l));
	assert.deepEqual(new Set(withNetns.map((l) => l.split('{')[0]!.replace(/_(bucket|sum|count)$/, ''))), new Set(['nettop_network_transmit_bytes_total', 'nettop_network_receive_bytes_total', 'nettop_network_transmit_packets_total', 'nettop_network_receive_packets_total', 'nettop_tcp_retransmit_segments_total', 'nettop_tcp_retransmits_total', 'nettop_tcp_active_opens_total', 'nettop_tcp_passive_opens_total', 'nettop_tcp_attempt_fails_total', 'nettop_tcp_estab_resets_total', 'nettop_tcp_out_rsts_total', 'nettop_tcp_in_rsts_total', 'nettop_drops_total', 'nettop_latency_seconds']));
	const unnamed = withNetns.filter((l) => !/\bnetns="1"/.test(l) && !/\bnetns_name="(web|edge)"/.test(l));
	assert.deepEqual(unnamed, [], 'every series in a named namespace carries its name (namespace 1 has none)');
	assert.match(text, /^nettop_drops_total\{netns="7",device="eth0",protocol="ipv4\/udp",reason="NO_SOCKET",netns_name="web"\} 5$/m);
	assert.match(text, /^nettop_tcp_retransmit_segments_total\{netns="4026531840",kind="data",netns_name="edge"\} 2$/m);
	assert.doesNotMatch(text, /netns_name=""/, 'no empty name');
});

test('the dashboard names namespaces: each query that keeps a namespace apart keeps it by name where there is one, else by inode, and its legend shows which', () => {
	const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets: { expr: string; legendFormat: string }[] }[] };
	const targets = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ title: p.title, ...t })));
	const perNetns = targets.filter((t) => /netns/.test(t.expr) || /netns/.test(t.legendFormat));
	assert.deepEqual(
		[...new Set(perNetns.map((t) => t.title))],
		['NIC: bytes/s per interface and queue', 'NIC: packets/s per interface', 'TCP retransmitted segments/s', 'TCP connections/s', "Drops/s by the kernel's reason, interface and namespace", 'Latency by layer: p99 per stage and interface (with --latency)'],
		'NIC packets and drops by namespace too',
	);
	for (const t of perNetns) {
		const parts = t.expr.split(' or ');
		assert.equal(parts.length, 2, t.expr);
		assert.match(parts[0]!, /by \([^)]*\bnetns_name\)[^]*netns_name!=""/, `${t.title}: named namespaces by name`);
		assert.match(parts[1]!, /by \([^)]*\bnetns\)[^]*netns_name=""/, `${t.title}: the others by inode`);
		assert.equal(parts[0]!.replace(/netns_name!=""/, '').replace(/\bnetns_name\b/g, 'X'), parts[1]!.replace(/netns_name=""/, '').replace(/\bnetns\b/g, 'X'), 'the same query but for the namespace');
		assert.match(t.legendFormat, /\(\{\{netns_name\}\}\{\{netns\}\}\)$/, `${t.title}: the legend shows the name, else the inode`);
	}
});

test('the Grafana dashboard (contrib/) queries only series nettop exports', () => {
	const e = new Exporter();
	e.add(everything());
	const exported = new Set([...e.scrape().matchAll(/^(nettop_\w+?)(?:\{| )/gm)].map((m) => m[1]!));
	const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[]; templating: { list: { definition?: string }[] } };
	const queries = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : []))];
	assert.ok(queries.length >= 10);
	const named = new Set(queries.flatMap((q) => [...q.matchAll(/\bnettop_\w+/g)].map((m) => m[0])));
	const unknown = [...named].filter((n) => !exported.has(n));
	assert.deepEqual(unknown, [], `exported: ${[...exported].join(' ')}`);
});

test('--prometheus-pid: per-process series carry the pid; without it they do not', () => {
	const withPid = new Exporter(true);
	withPid.add(everything());
	assert.match(withPid.scrape(), /^nettop_tcp_transmit_bytes_total\{pid="100",comm="curl",cgroup="",container=""\} 100$/m);
	const without = new Exporter();
	without.add(everything());
	assert.doesNotMatch(without.scrape(), /pid="/);
});

test('where it serves, as the line at start says it: the address and port it is bound to', async () => {
	for (const host of ['127.0.0.1', '::1']) {
		const server = await serveMetrics({ host, port: 0 }, new Exporter());
		try {
			const url = metricsUrl(server);
			const port = (server.address() as { port: number }).port;
			assert.equal(url, `http://${host === '::1' ? '[::1]' : host}:${port}/metrics`);
			assert.equal((await fetch(url)).status, 200);
		} finally {
			server.close();
		}
	}
});
