// npm run soak: a churn of short connections for SOAK_SECONDS (default 600) under nettop; prints its memory and map sizes.
import { killAll, run, sleep } from '../helpers/exec.js';
import { churn, holdingServer } from '../helpers/load.js';
import { removeStaleNamespaces, TestNet } from '../helpers/netns.js';
import { CLI, slotsInUse } from '../helpers/nettop.js';
import { start as startProcess } from '../helpers/exec.js';
import { fmt } from './measure.js';
import { readFileSync } from 'node:fs';

const seconds = Number(process.env.SOAK_SECONDS ?? 600);
/** Thousands of short connections a second, paced: the machine stays responsive. */
const rate = Number(process.env.SOAK_RATE ?? 3000);
const every = 30;

function rssMb(pid: number): number {
	return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

async function main(): Promise<void> {
	removeStaleNamespaces();
	const net = await TestNet.create(2);
	try {
		for (const h of [net.a, net.b]) {
			await net.exec(h, 'sysctl', ['-qw', 'net.ipv4.tcp_tw_reuse=1']);
			await net.exec(h, 'sysctl', ['-qw', 'net.ipv4.ip_local_port_range=10000 60999']);
		}
		const server = await holdingServer(net, net.b, 7951);
		// Lines are counted and scanned for "lost", not parsed: the harness must keep up.
		const nettop = startProcess(CLI, ['--json', '-i', '1']);
		let lines = 0;
		let lost = 0;
		let tail = '';
		nettop.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
			const text = tail + chunk;
			const cut = text.lastIndexOf('\n');
			tail = text.slice(cut + 1);
			for (const line of text.slice(0, cut + 1).split('\n')) {
				if (line === '') continue;
				lines++;
				const m = /"lost":\{([^}]*)\}\}$/.exec(line);
				if (m) for (const n of m[1]!.matchAll(/:(\d+)/g)) lost += Number(n[1]);
			}
		});
		await sleep(1500);
		const load = churn(net, net.a, net.b.ip4, 7951, seconds, rate);
		console.log(`churn of short connections (at most ${rate}/s) for ${seconds} s under nettop --json -i 1\n`);
		console.log('| t (s) | nettop RSS (MB) | tcp slots in use | rtt slots in use | lines in the last 30 s | lost in the last 30 s |\n| --- | --- | --- | --- | --- | --- |');
		const start = Date.now();
		for (let t = 0; t <= seconds; t += every) {
			await sleep(Math.max(0, start + t * 1000 - Date.now()));
			console.log(`| ${t} | ${fmt(rssMb(nettop.pid!))} | ${await slotsInUse('tcp')} | ${await slotsInUse('rtt')} | ${lines} | ${lost} |`);
			lines = 0;
			lost = 0;
		}
		const made = await load.done(120_000);
		console.log(`\n${made} connections in ${seconds} s (${fmt(made / seconds, 0)}/s)`);
		nettop.kill('SIGINT');
		server.child.kill();
	} finally {
		killAll();
		await net.destroy();
	}
}

main().catch((error: unknown) => {
	killAll();
	console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
