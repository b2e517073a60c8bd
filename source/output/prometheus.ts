// --prometheus: every feature's figures as Prometheus series, served at /metrics over HTTP while nettop samples.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { passwordMatches } from '../../native/crypt.js';
import { ALL_FEATURES, entry, type Sample } from '../features/index.js';
import { MetricRegistry } from '../model/metrics.js';
import { isUnavailable } from '../model/reading.js';
import type { Listen } from '../options.js';
import type { WebConfig } from './web-config.js';

const PAGE = '<html><head><title>nettop</title></head><body><h1>nettop</h1><p><a href="/metrics">Metrics</a></p></body></html>\n';

/** The series, fed one sample an interval; nettop's own cost is read at each scrape. */
export class Exporter {
	readonly registry: MetricRegistry;

	/** `pidLabel`: --prometheus-pid. */
	constructor(pidLabel = false) {
		this.registry = new MetricRegistry(undefined, pidLabel);
	}

	/** Adds an interval's figures: each feature's own (Feature.metrics) and what the kernel side lost. */
	add(sample: Sample): void {
		for (const f of ALL_FEATURES) {
			const view = entry(sample, f.key);
			if (!isUnavailable(view as never) && f.metrics) f.metrics(view, this.registry, sample.names);
		}
		for (const f of ALL_FEATURES) {
			this.registry.count('nettop_lost_total', 'Updates the kernel side could not record (a full map or ring, a program run the kernel skipped), per collector.', { collector: f.key }, sample.lost[f.key] ?? 0);
		}
		// Only while kernel.bpf_stats_enabled=1: the kernel times its programs then.
		if (sample.cost?.bpf !== undefined) {
			this.registry.count('nettop_bpf_run_seconds_total', "Time nettop's BPF programs ran in the kernel, in seconds (kernel.bpf_stats_enabled=1).", {}, sample.cost.bpf * sample.interval);
		}
		this.registry.forgetIdle();
	}

	/** The exposition a scrape gets now (OpenMetrics when the scraper asks for it). */
	scrape(openMetrics = false): string {
		const { user, system } = process.cpuUsage();
		this.registry.set('nettop_process_cpu_seconds_total', "nettop's own CPU time, user and system, in seconds.", {}, (user + system) / 1e6, 'counter');
		this.registry.set('nettop_process_resident_memory_bytes', "nettop's resident memory, in bytes.", {}, process.memoryUsage.rss());
		return this.registry.text(openMetrics);
	}
}

/** Where a listening server serves /metrics, as a URL: the address and port it is bound to. */
export function metricsUrl(server: http.Server): string {
	const { address, port } = server.address() as AddressInfo;
	return `${server instanceof https.Server ? 'https' : 'http'}://${address.includes(':') ? `[${address}]` : address}:${port}/metrics`;
}

/** Why a listen failed, in one line. */
function listenError(listen: Listen, error: NodeJS.ErrnoException): string {
	const where = `--prometheus ${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`;
	switch (error.code) {
		case 'EADDRINUSE':
			return `${where}: the port is in use`;
		case 'EADDRNOTAVAIL':
			return `${where}: this host has no such address`;
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return `${where}: no such host`;
		case 'EACCES':
			return `${where}: not permitted to listen there`;
		default:
			return `${where}: ${error.code ?? error.message}`;
	}
}

/** Basic auth against crypt(3) hashes; a password checked once is remembered (by its SHA-256) for a while: bcrypt takes tens of ms. */
class BasicAuth {
	private readonly passed = new Map<string, number>();

	constructor(private readonly users: ReadonlyMap<string, string>) {}

	async allows(header: string | undefined): Promise<boolean> {
		const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
		if (!m) return false;
		const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon < 0) return false;
		const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
		const hash = this.users.get(user);
		if (hash === undefined) return false;
		const key = createHash('sha256').update(`${user}\0${password}\0${hash}`).digest('hex');
		if ((this.passed.get(key) ?? 0) > Date.now()) return true;
		if (!(await passwordMatches(password, hash))) return false;
		if (this.passed.size >= 64) this.passed.clear();
		this.passed.set(key, Date.now() + 10 * 60_000);
		return true;
	}
}

/**
 * Serves GET /metrics (text format 0.0.4) and a page at / linking to it;
 * anything else is 404. With a web configuration: over TLS, and only to
 * users it names. Slow or silent clients are timed out and never hold
 * up sampling: a scrape only writes text the last interval left.
 */
export async function serveMetrics(listen: Listen, exporter: Exporter, web?: WebConfig): Promise<http.Server> {
	const auth = web && web.users.size > 0 ? new BasicAuth(web.users) : undefined;
	const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		if (auth && !(await auth.allows(req.headers.authorization))) {
			res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="nettop"', 'Content-Type': 'text/plain' }).end('unauthorized\n');
			return;
		}
		const path = (req.url ?? '/').split('?', 1)[0];
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
			return;
		}
		if (path === '/metrics') {
			// Prometheus asks for OpenMetrics first (Accept: application/openmetrics-text; ...).
			const openMetrics = /application\/openmetrics-text/.test(req.headers.accept ?? '');
			const type = openMetrics ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4; charset=utf-8';
			res.writeHead(200, { 'Content-Type': type }).end(req.method === 'HEAD' ? undefined : exporter.scrape(openMetrics));
			return;
		}
		if (path === '/') {
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
			return;
		}
		res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: try /metrics\n');
	};
	const serve = (req: http.IncomingMessage, res: http.ServerResponse) => void handler(req, res).catch(() => res.destroy());
	let server: http.Server;
	try {
		server = web?.tls ? https.createServer({ cert: web.tls.cert, key: web.tls.key }, serve) : http.createServer(serve);
	} catch (error) {
		throw new Error(`--web.config.file: its certificate or key: ${(error as Error).message.split('\n')[0]}`);
	}
	server.headersTimeout = 10_000;
	server.requestTimeout = 10_000;
	server.keepAliveTimeout = 5_000;
	server.on('clientError', (_error, socket) => socket.destroy());
	await new Promise<void>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => reject(new Error(listenError(listen, error))));
		server.listen(listen.port, listen.host, () => resolve());
	});
	return server;
}
