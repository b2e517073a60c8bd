// --prometheus: every feature's figures as Prometheus series, served at /metrics over HTTP while nettop samples.
import http from 'node:http';
import { ALL_FEATURES, entry, type Sample } from '../features/index.js';
import { MetricRegistry } from '../model/metrics.js';
import { isUnavailable } from '../model/reading.js';
import type { Listen } from '../options.js';

const PAGE = '<html><head><title>nettop</title></head><body><h1>nettop</h1><p><a href="/metrics">Metrics</a></p></body></html>\n';

/** The series, fed one sample an interval; nettop's own cost is read at each scrape. */
export class Exporter {
	readonly registry = new MetricRegistry();

	/** Adds an interval's figures: each feature's own (Feature.metrics) and what the kernel side lost. */
	add(sample: Sample): void {
		for (const f of ALL_FEATURES) {
			const view = entry(sample, f.key);
			if (!isUnavailable(view as never) && f.metrics) f.metrics(view, this.registry);
		}
		for (const f of ALL_FEATURES) {
			this.registry.count('nettop_lost_total', 'Updates the kernel side could not record (a full map or ring, a program run the kernel skipped), per collector.', { collector: f.key }, sample.lost[f.key] ?? 0);
		}
		this.registry.forgetIdle();
	}

	/** The exposition a scrape gets now. */
	scrape(): string {
		const { user, system } = process.cpuUsage();
		this.registry.set('nettop_process_cpu_seconds_total', "nettop's own CPU time, user and system, in seconds.", {}, (user + system) / 1e6, 'counter');
		this.registry.set('nettop_process_resident_memory_bytes', "nettop's resident memory, in bytes.", {}, process.memoryUsage.rss());
		return this.registry.text();
	}
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

/**
 * Serves GET /metrics (text format 0.0.4) and a page at / linking to it;
 * anything else is 404. Slow or silent clients are timed out and never hold
 * up sampling: a scrape only writes text the last interval left.
 */
export async function serveMetrics(listen: Listen, exporter: Exporter): Promise<http.Server> {
	const server = http.createServer((req, res) => {
		const path = (req.url ?? '/').split('?', 1)[0];
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
			return;
		}
		if (path === '/metrics') {
			res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : exporter.scrape());
			return;
		}
		if (path === '/') {
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
			return;
		}
		res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: try /metrics\n');
	});
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
