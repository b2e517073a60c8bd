// --prometheus against the real thing: promtool accepts the exposition, a Prometheus server scrapes it and answers a query, a veth's bytes grow as /proc/net/dev says.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requireBpf } from '../helpers/bpf.js';
import { exited, run, sleep, start, until } from '../helpers/exec.js';
import { assertRetransSegments, Unrun } from '../helpers/unrun.js';
import { testHosts } from '../helpers/netns.js';
import { NettopProcess, programsLeft } from '../helpers/nettop.js';
import { receiver, sender } from '../helpers/peers.js';
import { stallingClients } from '../helpers/stalling.js';

const hosts = testHosts(4);
const DASHBOARD = fileURLToPath(new URL('../../../contrib/grafana-dashboard.json', import.meta.url));
const PORT = 19_000 + (process.pid % 1000);
const PROMETHEUS_PORT = PORT + 1000;

async function scrape(port = PORT): Promise<string> {
	const res = await fetch(`http://127.0.0.1:${port}/metrics`);
	assert.equal(res.status, 200);
	assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
	return res.text();
}

/** The sum of a counter's series whose labels include all of `want`. */
function total(text: string, name: string, want: Record<string, string>): number {
	let sum = 0;
	for (const line of text.split('\n')) {
		const m = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`).exec(line);
		if (!m) continue;
		const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
		if (Object.entries(want).every(([k, v]) => labels[k] === v)) sum += Number(m[2]);
	}
	return sum;
}

/**
 * Scrapes until `value` of the exposition has stayed the same over three
 * scrapes a little more than an interval apart (two of nettop's reads at
 * least), then reads `kernel`: a counter that no longer moves, with the
 * kernel's beside it. Returns both and the last text.
 */
async function steady(value: (text: string) => number, kernel: () => Promise<number>, intervalMs: number): Promise<{ ours: number; kernel: number; text: string }> {
	const seen: number[] = [];
	let text = '';
	for (let i = 0; i < 100; i++) {
		text = await scrape();
		seen.push(value(text));
		if (seen.length >= 3 && seen.slice(-3).every((v) => v === seen.at(-1))) return { ours: seen.at(-1)!, kernel: await kernel(), text };
		await sleep(intervalMs + 100);
	}
	throw new Error(`never steady: ${seen.join(' ')}`);
}

test('--prometheus: promtool accepts /metrics; retransmitted segments grow exactly as TcpRetransSegs, a veth\'s per-queue bytes as /proc/net/dev (never above); a Prometheus server scrapes it and answers a query; SIGTERM unloads', async (t) => {
	if (!(await requireBpf(t))) return;
	const net = await hosts();
	const { a, b } = net;
	const nettop = new NettopProcess(['--prometheus', `127.0.0.1:${PORT}`, '-i', '0.5']);
	const dir = mkdtempSync(path.join(tmpdir(), 'nettop-prom-'));
	const prometheus = { child: undefined as ReturnType<typeof start> | undefined };
	try {
		assert.ok(await until(async () => (await scrape().catch(() => '')).includes('nettop_network_'), 15_000), `no metrics: ${nettop.stderr}`);
		assert.equal(nettop.stderr, `serving http://127.0.0.1:${PORT}/metrics\n`, 'one line at start: where it serves');
		const page = await fetch(`http://127.0.0.1:${PORT}/`);
		assert.match(await page.text(), /href="\/metrics"/);
		assert.equal((await fetch(`http://127.0.0.1:${PORT}/nope`)).status, 404);

		const want = { netns: String(net.netnsInode(a)), device: a.dev };
		const inA = { netns: String(net.netnsInode(a)) };
		const segsOf = (text: string) => total(text, 'nettop_tcp_retransmit_segments_total', inA);
		const bytesOf = (text: string) => total(text, 'nettop_network_transmit_bytes_total', want);
		// Every 50th packet to the receiver dropped at b: retransmits to count (a count, not a draw: 20 MB in 64 kB GSO packets
		// is about 300, and 2% random could drop too few for the 20 segments asserted below).
		const drop = ['add chain inet nettop_test in { type filter hook input priority 0; }', 'add rule inet nettop_test in tcp dport 7601 numgen inc mod 50 == 7 drop'];
		// Retransmits the kernel ran the program for neither, nor counted as missed (helpers/unrun.ts): nettop cannot count those.
		// The same for the NIC's transmit program, whose skipped runs (unseen, or missed by recursion) hide a packet's bytes each.
		const unrun = await Unrun.open({ 'tcp/tcp_retransmit_skb': ['nt_retrans'], 'net/net_dev_start_xmit': ['nt_nic_tx'] });
		let unseen = 0;
		let txSkipped = 0;
		const { segs, kernelSegs, ours, kernel, text } = await net.withNft(b, 'nettop_test', drop, async () => {
			const before = { segs: await steady(segsOf, () => net.snmp(a, 'Tcp', 'RetransSegs'), 500), bytes: await steady(bytesOf, async () => (await net.procNetDev(a)).tx_bytes, 500) };
			const r = await receiver(net, b, 7601);
			const s = sender(net, a, b.ip4, 7601, 20_000_000);
			assert.equal(await s.done(120_000), 20_000_000);
			assert.equal(await r.done(), 20_000_000);
			// The traffic has ended: once nettop's counters stop moving they hold all of it.
			const after = { segs: await steady(segsOf, () => net.snmp(a, 'Tcp', 'RetransSegs'), 500), bytes: await steady(bytesOf, async () => (await net.procNetDev(a)).tx_bytes, 500) };
			const skipped = await unrun.skipped();
			unseen = skipped.nt_retrans!;
			txSkipped = skipped.nt_nic_tx! + (await unrun.missed()).nt_nic_tx!;
			return { segs: after.segs.ours - before.segs.ours, kernelSegs: after.segs.kernel - before.segs.kernel, ours: after.bytes.ours - before.bytes.ours, kernel: after.bytes.kernel - before.bytes.kernel, text: after.bytes.text };
		}).finally(() => unrun.close());
		t.diagnostic(`retransmitted segments in ${a.ns}: nettop ${segs}, TcpRetransSegs ${kernelSegs}; retransmits the kernel ran no program for ${unseen}`);
		assert.ok(kernelSegs >= 20, `too few retransmits to compare: ${kernelSegs}`);
		assertRetransSegments(segs, kernelSegs, unseen);
		assert.equal(total(text, 'nettop_tcp_retransmit_segments_total', { ...inA, netns_name: a.ns }), segsOf(text), 'retransmit series named by the namespace\'s ip netns name');
		assert.ok(total(text, 'nettop_drops_total', { netns: String(net.netnsInode(b)), netns_name: b.ns, reason: 'NETFILTER_DROP' }) > 0, 'drop series named by the namespace too');
		t.diagnostic(`${a.dev} TX: nettop_network_transmit_bytes_total grew ${ours}, /proc/net/dev ${kernel}; transmits (any interface) the kernel ran no NIC program for ${txSkipped}`);
		// Never above veth's own count, which holds a few packets no transmit tracepoint sees (docs/metrics.md, and the command in nic.test.ts).
		assert.ok(ours <= kernel, `nettop ${ours} above /proc/net/dev ${kernel}`);
		// More than the payload, when the kernel ran the program for every transmit; else short by at most a 64 kB GSO skb for each it did not.
		if (txSkipped === 0) assert.ok(ours > 20_000_000, `nettop ${ours}: less than the 20,000,000 bytes sent`);
		else assert.ok(kernel - ours <= txSkipped * 65_536, `nettop ${ours}, /proc/net/dev ${kernel}: further apart than ${txSkipped} skipped transmits can hide`);
		assert.ok(total(text, 'nettop_tcp_transmit_bytes_total', { comm: 'python3' }) >= 20_000_000, 'the sender\'s bytes, by command');

		const file = path.join(dir, 'metrics.txt');
		writeFileSync(file, text);
		await run('sh', ['-c', `promtool check metrics < ${file}`]); // rejects, with promtool's words, unless it exits 0

		writeFileSync(path.join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: nettop\n    static_configs:\n      - targets: ['127.0.0.1:${PORT}']\n`);
		prometheus.child = start('prometheus', [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${PROMETHEUS_PORT}`]);
		const query = `http://127.0.0.1:${PROMETHEUS_PORT}/api/v1/query?query=${encodeURIComponent(`sum(nettop_network_transmit_bytes_total{device="${a.dev}"})`)}`;
		let answer: { status?: string; data?: { result?: { value: [number, string] }[] } } = {};
		const answered = await until(async () => {
			try {
				answer = (await (await fetch(query)).json()) as typeof answer;
			} catch {
				return false; // not listening yet
			}
			return (answer.data?.result?.length ?? 0) > 0;
		}, 30_000);
		assert.ok(answered, `Prometheus answered: ${JSON.stringify(answer)}`);
		assert.ok(Number(answer.data!.result![0]!.value[1]) >= kernel, 'the bytes Prometheus scraped');

		// The dashboard's per-namespace queries, as Grafana sends them: each series by a namespace's name where it has one, else its inode, never added up across namespaces.
		const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
		const packets = dashboard.panels.find((p) => p.title === 'NIC: packets/s per interface')!.targets[0]!.expr.replaceAll('$instance', '.*');
		let series: { metric: Record<string, string> }[] = [];
		const ask = async (expr: string) => ((await (await fetch(`http://127.0.0.1:${PROMETHEUS_PORT}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: typeof series } }).data.result;
		assert.ok(await until(async () => (series = await ask(packets)).some((s) => s.metric.device === a.dev), 30_000), `the NIC packets query: ${JSON.stringify(series)}`);
		assert.deepEqual(series.filter((s) => s.metric.device === a.dev || s.metric.device === b.dev).map((s) => s.metric).sort((x, y) => (x.device! < y.device! ? -1 : 1)), [{ device: a.dev, netns_name: a.ns }, { device: b.dev, netns_name: b.ns }].sort((x, y) => (x.device < y.device ? -1 : 1)), 'per device and namespace, by name');
		assert.ok(series.every((s) => ('netns_name' in s.metric) !== ('netns' in s.metric)), `each series by name or by inode: ${JSON.stringify(series.map((s) => s.metric))}`);

		nettop.kill('SIGTERM');
		assert.equal(await nettop.exited(), 143, nettop.stderr);
		assert.deepEqual(await programsLeft(), [], 'SIGTERM unloaded every program');
	} finally {
		nettop.kill('SIGKILL');
		if (prometheus.child) {
			prometheus.child.kill('SIGTERM');
			await exited(prometheus.child, 10_000).catch(() => undefined);
		}
		rmSync(dir, { recursive: true, force: true });
	}
});

test('--prometheus: a port in use, an address this host lacks, a bad value: one line each, no program left', async (t) => {
	if (!(await requireBpf(t))) return;
	const holder = new NettopProcess(['--prometheus', `:${PORT}`, '-i', '1']);
	try {
		assert.ok(await until(async () => (await scrape().catch(() => '')) !== '', 15_000));
		for (const [flag, code, message] of [
			[`:${PORT}`, 1, /^nettop: --prometheus 127\.0\.0\.1:\d+: the port is in use\n$/],
			['192.0.2.1:9977', 1, /^nettop: --prometheus 192\.0\.2\.1:9977: this host has no such address\n$/],
			['9977', 2, /^nettop: --prometheus wants \[HOST\]:PORT/],
		] as const) {
			const other = new NettopProcess(['--prometheus', flag]);
			assert.equal(await other.exited(), code, flag);
			assert.match(other.stderr, message);
		}
	} finally {
		holder.kill('SIGINT');
		await holder.exited();
	}
	assert.deepEqual(await programsLeft(), []);
});

test('--web.config.file: over TLS, a scrape without credentials or with a wrong password is refused (401), one with them succeeds', async (t) => {
	if (!(await requireBpf(t))) return;
	const dir = mkdtempSync(path.join(tmpdir(), 'nettop-web-'));
	const port = PORT + 2;
	try {
		await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1']);
		// A bcrypt hash as htpasswd -B makes one, by the system's crypt(3) (Python's crypt module).
		const hash = (await run('python3', ['-W', 'ignore', '-c', "import crypt; print(crypt.crypt('s3cret', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))"])).stdout.trim();
		assert.match(hash, /^\$2[aby]\$/);
		writeFileSync(path.join(dir, 'web.yml'), `# as node_exporter takes it\ntls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\nbasic_auth_users:\n  alice: '${hash}'\n`);
		const nettop = new NettopProcess(['--prometheus', `127.0.0.1:${port}`, '--web.config.file', path.join(dir, 'web.yml')]);
		const status = async (...auth: string[]) =>
			(await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', path.join(dir, 'cert.pem'), ...auth, `https://127.0.0.1:${port}/metrics`]).catch(() => ({ stdout: '000' }))).stdout;
		assert.ok(await until(async () => (await status('-u', 'alice:s3cret')) === '200', 15_000), `never served over TLS: ${nettop.stderr}`);
		assert.equal(await status(), '401', 'no credentials');
		assert.equal(await status('-u', 'alice:wrong'), '401', 'a wrong password');
		assert.equal(await status('-u', 'bob:s3cret'), '401', 'a user the file does not name');
		const body = (await run('curl', ['-s', '--cacert', path.join(dir, 'cert.pem'), '-u', 'alice:s3cret', `https://127.0.0.1:${port}/metrics`])).stdout;
		assert.match(body, /^nettop_process_resident_memory_bytes \d+$/m);
		nettop.kill('SIGINT');
		assert.equal(await nettop.exited(), 0, nettop.stderr);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test('--prometheus: clients that send garbage, hold a connection open without a request, or never read what they asked for stall neither sampling nor other scrapes', async (t) => {
	if (!(await requireBpf(t))) return;
	const port = PORT + 3;
	const nettop = new NettopProcess(['--prometheus', `127.0.0.1:${port}`, '-i', '0.5']);
	let sockets: import('node:net').Socket[] = [];
	try {
		const get = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
		assert.ok(await until(async () => (await get().catch(() => '')).includes('nettop_network_'), 15_000), nettop.stderr);
		sockets = stallingClients(port);
		const lo = (text: string) => total(text, 'nettop_network_transmit_bytes_total', { device: 'lo' });
		const first = lo(await get());
		await sleep(1500);
		// Answered at all (a stall would hold this test until its timeout); how fast is the bench's to say (BENCH_ONLY=prometheus).
		const second = lo(await get());
		t.diagnostic(`lo grew ${second - first} bytes between two scrapes`);
		assert.ok(second > first, 'sampling went on: the scrapes\' own loopback bytes were counted');
	} finally {
		for (const s of sockets) s.destroy();
		nettop.kill('SIGINT');
		assert.equal(await nettop.exited(), 0, nettop.stderr);
	}
});
