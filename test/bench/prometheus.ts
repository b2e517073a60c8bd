// The exporter's cost: its writer against prom-client on the same series, and a real nettop --prometheus scraped with 10,000 live flows.
import { performance } from 'node:perf_hooks';
import { Counter, Registry } from 'prom-client';
import { MetricRegistry } from '../../source/model/metrics.js';
import { sleep } from '../helpers/exec.js';
import { holdingServer, manyConnections } from '../helpers/load.js';
import type { TestNet } from '../helpers/netns.js';
import { NettopProcess } from '../helpers/nettop.js';
import { stallingClients } from '../helpers/stalling.js';
import { cpuSeconds, fmt, median } from './measure.js';

type Report = (what: string, value: string, target: string, reference: string) => void;

/** `series` per-process series (--prometheus-pid with that many processes), fed `intervals` times, then written `writes` times: ours and prom-client's, in ms. */
async function writers(series: number, intervals = 10, writes = 15) {
	const labels = (i: number) => ({ pid: String(10_000 + i), comm: `worker-${i % 50}`, cgroup: `/system.slice/app-${i % 20}.service`, container: '' });
	const ours = new MetricRegistry(undefined, true);
	const reg = new Registry();
	const counter = new Counter({ name: 'nettop_tcp_transmit_bytes_total', help: 'Bytes.', labelNames: ['pid', 'comm', 'cgroup', 'container'], registers: [reg] });
	const feed = (f: (i: number) => void) => {
		const t0 = performance.now();
		for (let k = 0; k < intervals; k++) for (let i = 0; i < series; i++) f(i);
		return (performance.now() - t0) / intervals;
	};
	const feedOurs = feed((i) => ours.count('nettop_tcp_transmit_bytes_total', 'Bytes.', labels(i), 1500 + i));
	const feedTheirs = feed((i) => counter.inc(labels(i), 1500 + i));
	const time = async (f: () => string | Promise<string>) => {
		const ms: number[] = [];
		let bytes = 0;
		for (let k = 0; k < writes; k++) {
			const t0 = performance.now();
			bytes = Buffer.byteLength(await f());
			ms.push(performance.now() - t0);
		}
		return { ms: median(ms), bytes };
	};
	return { feedOurs, feedTheirs, ours: await time(() => ours.text()), theirs: await time(() => reg.metrics()) };
}

export async function prometheusPart(net: TestNet, report: Report): Promise<void> {
	console.log('\n8. --prometheus: the writer against prom-client, and a scrape with 10,000 live flows');
	for (const n of [1_000, 10_000]) {
		const w = await writers(n);
		report(`${n} series: an interval's updates, nettop's writer`, `${fmt(w.feedOurs)} ms`, '-', `prom-client: ${fmt(w.feedTheirs)} ms`);
		report(`${n} series: writing the text, nettop's writer`, `${fmt(w.ours.ms)} ms, ${w.ours.bytes} bytes`, '-', `prom-client: ${fmt(w.theirs.ms)} ms, ${w.theirs.bytes} bytes`);
	}
	const port = 9800 + (process.pid % 100);
	const server = await holdingServer(net, net.b, 7903);
	const many = manyConnections(net, net.a, net.b.ip4, 7903, 5_000, 200, true);
	await many.waitFor('open 5000', 120_000);
	const nettop = new NettopProcess(['--prometheus', `127.0.0.1:${port}`, '-i', '1']);
	try {
		const scrape = async () => {
			const t0 = performance.now();
			const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
			return { ms: performance.now() - t0, bytes: Buffer.byteLength(text), series: text.split('\n').filter((l) => l && !l.startsWith('#')).length };
		};
		for (let i = 0; i < 50 && !(await scrape().catch(() => undefined)); i++) await sleep(200);
		await sleep(3000);
		const scrapes = [];
		for (let i = 0; i < 5; i++) {
			scrapes.push(await scrape());
			await sleep(300);
		}
		const last = scrapes.at(-1)!;
		const alone = median(scrapes.map((s) => s.ms));
		report('10,000 flows: a scrape (wall clock, from the scraper)', `${fmt(alone)} ms, ${last.bytes} bytes, ${last.series} series`, '-', '-');
		// Beside clients that stall it (what test/integration/prometheus.test.ts makes, and checks is answered at all).
		const stalling = stallingClients(port);
		try {
			await sleep(1500);
			const beside = [];
			for (let i = 0; i < 5; i++) {
				beside.push((await scrape()).ms);
				await sleep(300);
			}
			report('  the same beside 22 stalling clients (garbage, silent, 20 never reading)', `${fmt(median(beside))} ms`, 'as alone', `alone: ${fmt(alone)} ms`);
		} finally {
			for (const c of stalling) c.destroy();
		}
		// Prometheus' default: a scrape every 15 s. nettop samples every second either way.
		const cpu0 = cpuSeconds(nettop.pid);
		const t0 = Date.now();
		for (let i = 0; i < 4; i++) {
			await scrape();
			await sleep(15_000);
		}
		const cpu = ((cpuSeconds(nettop.pid) - cpu0) / ((Date.now() - t0) / 1000)) * 100;
		report('10,000 flows: nettop --prometheus -i 1 CPU, scraped every 15 s', `${fmt(cpu, 2)} % of a core`, '<= 3 %', '-');
	} finally {
		nettop.kill('SIGINT');
		await nettop.exited();
		many.child.kill();
		server.child.kill();
	}
}
