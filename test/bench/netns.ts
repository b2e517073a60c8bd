// Issue 29: what named namespaces cost nettop, idle and with a few busy: --json, the UI and --prometheus, each beside the same run without them.
import type { ChildProcess } from 'node:child_process';
import { run, sleep, start } from '../helpers/exec.js';
import { CLI } from '../helpers/nettop.js';
import { IdleNamespaces } from '../helpers/netns.js';
import { NETNS_RUN_DIR } from '../../source/kernel/netns.js';
import { cpuSecondsExact, fmt, inTerminal } from './measure.js';
import { atMost } from './targets.js';

type Report = (what: string, value: string, target: string, reference: string) => void;

const SECONDS = 10;
const ROUNDS = 2;
/**
 * Measured from this long after start: in the first half minute V8 compiles
 * the paths the namespaces make hot (200 listen rows a read, say), tens of
 * ms once, which a window from the start counts as a cost per namespace.
 */
const WARM_MS = 25_000;
type Mode = 'json' | 'ui' | 'prometheus';

/**
 * A nettop of `mode` running: its pid, and how to stop it. `unnamed`: in a
 * mount namespace of its own with an empty /run/netns, so it names none of
 * the namespaces (the run without them, beside the same kernel state).
 */
async function nettopOf(mode: Mode, unnamed: boolean): Promise<{ pid: number; stop: () => void }> {
	const args = mode === 'json' ? ['--json', '-i', '1'] : mode === 'ui' ? ['-i', '1'] : ['--prometheus', `127.0.0.1:${9700 + (process.pid % 100)}`, '-i', '1'];
	const line = unnamed ? `unshare -m sh -c 'mount -t tmpfs none ${NETNS_RUN_DIR} && exec ${CLI} ${args.join(' ')}'` : `${CLI} ${args.join(' ')}`;
	const child = mode === 'ui' ? inTerminal(line) : start('sh', ['-c', line]);
	child.stdout!.resume();
	await sleep(WARM_MS);
	const pid = Number((await run('pgrep', ['-n', '-x', 'nettop'])).stdout.trim());
	return { pid, stop: () => process.kill(pid, 'SIGINT') };
}

/** nettop's CPU in % of a core over SECONDS, from WARM_MS after its start (schedstat: ns, not ticks). */
async function cpuOf(mode: Mode, unnamed = false): Promise<number> {
	const n = await nettopOf(mode, unnamed);
	try {
		const [c0, t0] = [cpuSecondsExact(n.pid), Date.now()];
		await sleep(SECONDS * 1000);
		return ((cpuSecondsExact(n.pid) - c0) / ((Date.now() - t0) / 1000)) * 100;
	} finally {
		n.stop();
		await sleep(1000);
	}
}

/** In each of `names`, a listener on lo and a client making 20 connections a second to it (each sends 100 bytes). */
function busy(names: readonly string[]): ChildProcess[] {
	const script = `
import socket, threading, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', 7990)); s.listen(64)
def serve():
    while True:
        c, _ = s.accept(); c.recv(100); c.close()
threading.Thread(target=serve, daemon=True).start()
end = time.time() + 600
while time.time() < end:
    c = socket.create_connection(('127.0.0.1', 7990)); c.sendall(b'x' * 100); c.close(); time.sleep(0.05)
`;
	return names.map((n) => start('ip', ['netns', 'exec', n, 'python3', '-c', script]));
}

export async function netnsPart(report: Report): Promise<void> {
	console.log(`\n10. Named namespaces (issue 29): nettop's CPU over ${SECONDS} s from ${WARM_MS / 1000} s after its start, naming 200 idle ones (lo up) or none of them (an empty /run/netns in its own mount namespace), alternating, ${ROUNDS} rounds; then 5 of them busy`);
	const many = await IdleNamespaces.create(200, 'idle');
	try {
		for (const m of ['json', 'ui', 'prometheus'] as const) {
			const none: number[] = [];
			const named: number[] = [];
			for (let r = 0; r < ROUNDS; r++) {
				none.push(await cpuOf(m, true));
				named.push(await cpuOf(m));
			}
			const [a, b] = [mean(none), mean(named)];
			const label = m === 'json' ? '--json -i 1' : m === 'ui' ? 'the UI' : '--prometheus';
			report(`200 idle named namespaces: ${label} CPU`, `${fmt(b, 2)} % of a core (${named.map((x) => fmt(x, 2)).join(', ')})`, `${atMost(`200 idle namespaces: ${label} CPU above none`, b - a, 0.3, '% of a core')} above none`, `naming none: ${fmt(a, 2)} % (${none.map((x) => fmt(x, 2)).join(', ')})`);
		}
		const load = busy(many.names.slice(0, 5));
		try {
			const alone: number[] = [];
			const among: number[] = [];
			for (let r = 0; r < ROUNDS; r++) {
				alone.push(await cpuOf('json', true));
				among.push(await cpuOf('json'));
			}
			report('200 named namespaces, 5 of them busy (20 connections a second each): --json -i 1 CPU', `${fmt(mean(among), 2)} % of a core (${among.map((x) => fmt(x, 2)).join(', ')})`, 'grows with the 5', `the same, naming none: ${fmt(mean(alone), 2)} % (${alone.map((x) => fmt(x, 2)).join(', ')})`);
		} finally {
			for (const p of load) p.kill('SIGKILL');
		}
	} finally {
		await many.destroy();
	}
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
