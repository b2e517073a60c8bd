// The exporter fed a sample of every feature: the series each feature adds, and the Grafana dashboard's queries naming only those.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Sample } from '../../source/features/index.js';
import { Exporter } from '../../source/output/prometheus.js';
import { buildSample } from '../../source/pipeline.js';
import { connsSnap, dropsSnap, latencySnap, nic, raw, retrans, rtt, tcp } from '../fixtures/records.js';

const DASHBOARD = fileURLToPath(new URL('../../../contrib/grafana-dashboard.json', import.meta.url));

/** An interval in which every feature has something to say, with the programs' run time known. */
function everything(): Sample {
	const counts = (n: number) => new Map([[7, { active_opens: n, passive_opens: n, attempt_fails: n, estab_resets: n, out_rsts: n, in_rsts: n }]]);
	const drop = (count: number) => new Map([['d', { netns: 7, ifindex: 2, ifname: 'eth0', protocol: 'ipv4/udp', reason: 'NO_SOCKET', count }]]);
	const flows = (n: number) => [tcp(n, n, { cookie: 1 }), tcp(n, n, { cookie: 2, proto: 'udp', rport: 0 })];
	const sample = buildSample(
		raw(0, { nic: { counters: [nic(0)], lost: 0 }, tcp: { counters: flows(0), lost: 0 }, conns: connsSnap({ counts: counts(0) }), drops: dropsSnap({ counts: drop(0) }) }),
		raw(1000, {
			nic: { counters: [nic(1500, { tx_packets: 1 })], lost: 0 },
			tcp: { counters: flows(100), lost: 2 },
			rtt: { unit: 'usecs', counters: [rtt([40, 3000])], lost: 0 },
			retrans: { events: [retrans({ segs: 2 })], lost: 0 },
			conns: connsSnap({ counts: counts(1) }),
			drops: dropsSnap({ counts: drop(5) }),
			latency: latencySnap({ packets: [1.5, 3000].map((qdisc) => ({ time: 0, dir: 'send' as const, pid: 1, comm: 'curl', netns: 7, family: 4 as const, laddr: '10.0.0.1', lport: 1, raddr: '10.0.0.2', rport: 2, ifindex: 2, ifname: 'eth0', queue: 0, proto: 'tcp' as const, cgroupId: 0, len: 100, stages: { stack: null, qdisc, driver: null, socket: null }, paced: false, segments: 1, segmented: false })) }),
		}),
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
