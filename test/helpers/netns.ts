// Test hosts: two network namespaces joined by a multi-queue veth pair, removed again on every path.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { after, before } from 'node:test';
import { killAll, leftByEndedRun, run, RUN, start } from './exec.js';

/** Every test namespace is named nettop-t-<run>-...: the run's pid first (exec.ts RUN). */
export const PREFIX = 'nettop-t';

export interface Host {
	readonly ns: string;
	readonly dev: string;
	readonly ip4: string;
	readonly ip6: string;
}

/** Removes namespaces that runs no longer alive left (ours only, by prefix; another run's live ones stay). */
export function removeStaleNamespaces(): void {
	let list = '';
	try {
		list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
	} catch {
		return;
	}
	for (const line of list.split('\n')) {
		const name = line.split(' ')[0];
		if (name && leftByEndedRun(name, PREFIX)) {
			try {
				execFileSync('ip', ['netns', 'del', name]);
			} catch {
				/* already gone */
			}
		}
	}
}

const live = new Set<string>();
process.on('exit', () => {
	for (const ns of live) {
		try {
			execFileSync('ip', ['netns', 'del', ns]);
		} catch {
			/* already gone */
		}
	}
});

/**
 * Two hosts, A and B, in namespaces of their own, joined by veth with `queues`
 * TX and RX queues on each side. Addresses are from the benchmarking ranges
 * (198.18.0.0/15, and a ULA for IPv6), reachable only between the two.
 */
export class TestNet {
	readonly a: Host;
	readonly b: Host;

	private constructor(readonly id: string) {
		this.a = { ns: `${PREFIX}-${id}-a`, dev: 'nt0', ip4: '198.18.0.1', ip6: 'fd6e:7474::1' };
		this.b = { ns: `${PREFIX}-${id}-b`, dev: 'nt1', ip4: '198.18.0.2', ip6: 'fd6e:7474::2' };
	}

	static async create(queues = 4, ipv6 = false): Promise<TestNet> {
		const net = new TestNet(`${RUN}-${process.pid}${Math.random().toString(36).slice(2, 5)}`);
		try {
			for (const h of [net.a, net.b]) {
				await run('ip', ['netns', 'add', h.ns]);
				live.add(h.ns);
				// Quiet namespaces: no IPv6 autoconfiguration chatter unless asked for.
				await net.exec(h, 'sysctl', ['-qw', `net.ipv6.conf.all.disable_ipv6=${ipv6 ? 0 : 1}`]);
				await net.exec(h, 'sysctl', ['-qw', `net.ipv6.conf.default.disable_ipv6=${ipv6 ? 0 : 1}`]);
				await net.exec(h, 'ip', ['link', 'set', 'lo', 'up']);
			}
			const q = ['numtxqueues', String(queues), 'numrxqueues', String(queues)];
			await run('ip', ['link', 'add', net.a.dev, 'netns', net.a.ns, ...q, 'type', 'veth', 'peer', 'name', net.b.dev, 'netns', net.b.ns, ...q]);
			for (const h of [net.a, net.b]) {
				if (ipv6) await net.exec(h, 'sysctl', ['-qw', `net.ipv6.conf.${h.dev}.accept_dad=0`]);
				await net.exec(h, 'ip', ['addr', 'add', `${h.ip4}/30`, 'dev', h.dev]);
				if (ipv6) await net.exec(h, 'ip', ['addr', 'add', `${h.ip6}/64`, 'dev', h.dev, 'nodad']);
				await net.exec(h, 'ip', ['link', 'set', h.dev, 'up']);
			}
			return net;
		} catch (error) {
			await net.destroy();
			throw error;
		}
	}

	/** Runs a command inside a host's namespace to completion. */
	exec(h: Host, cmd: string, args: readonly string[], timeoutMs?: number) {
		return run('ip', ['netns', 'exec', h.ns, cmd, ...args], timeoutMs);
	}

	/** Starts a command inside a host's namespace; killed on cleanup. */
	spawn(h: Host, cmd: string, args: readonly string[]): ChildProcess {
		return start('ip', ['netns', 'exec', h.ns, cmd, ...args]);
	}

	/** The inode that identifies the host's namespace (what nettop reports as netns). */
	netnsInode(h: Host): number {
		return statSync(`/run/netns/${h.ns}`).ino;
	}

	async ifindex(h: Host): Promise<number> {
		const { stdout } = await this.exec(h, 'cat', [`/sys/class/net/${h.dev}/ifindex`]);
		return Number(stdout.trim());
	}

	/** The interface's counters from /proc/net/dev read inside its namespace. */
	async procNetDev(h: Host): Promise<{ rx_bytes: number; rx_packets: number; rx_dropped: number; tx_bytes: number; tx_packets: number; tx_dropped: number }> {
		const { stdout } = await this.exec(h, 'cat', ['/proc/net/dev']);
		const line = stdout.split('\n').find((l) => l.trim().startsWith(`${h.dev}:`));
		if (!line) throw new Error(`${h.dev} not in /proc/net/dev of ${h.ns}`);
		const f = line.split(':')[1]!.trim().split(/\s+/).map(Number);
		return { rx_bytes: f[0]!, rx_packets: f[1]!, rx_dropped: f[3]!, tx_bytes: f[8]!, tx_packets: f[9]!, tx_dropped: f[11]! };
	}

	/** A counter from /proc/net/snmp (or /proc/net/netstat for TcpExt, IpExt) inside the namespace, e.g. ('Tcp', 'RetransSegs'). */
	async snmp(h: Host, group: string, name: string): Promise<number> {
		return snmpIn(h.ns, group, name);
	}

	/**
	 * Runs `work` with an nftables table NAME (family inet) in the host's
	 * namespace, made of `rules` (nft commands, each one line of nft's own
	 * syntax); the table is deleted after, also when `work` fails.
	 */
	async withNft<T>(h: Host, name: string, rules: readonly string[], work: () => Promise<T>): Promise<T> {
		try {
			await this.exec(h, 'nft', ['add', 'table', 'inet', name]);
			for (const rule of rules) await this.exec(h, 'nft', [rule]);
			return await work();
		} finally {
			await this.exec(h, 'nft', ['delete', 'table', 'inet', name]).catch(() => undefined); // not made, if the first command failed
		}
	}

	async destroy(): Promise<void> {
		for (const h of [this.a, this.b]) {
			if (!live.has(h.ns)) continue;
			await run('ip', ['netns', 'del', h.ns]).catch(() => undefined);
			live.delete(h.ns);
		}
	}
}

/**
 * The hosts of one test file: registers hooks that remove namespaces left by
 * runs no longer alive first, and at the end kill what the file started and
 * remove the namespaces. Returns a function
 * that creates the two hosts on first use.
 */
export function testHosts(queues = 4, ipv6 = false): () => Promise<TestNet> {
	let net: TestNet | undefined;
	before(() => removeStaleNamespaces());
	// (After each test, helpers/bpf.ts kills what it started.)
	after(async () => {
		killAll();
		await net?.destroy();
	});
	return async () => (net ??= await TestNet.create(queues, ipv6));
}

/**
 * `count` named namespaces with only `lo` up, as a node's idle pods are
 * (nettop-t-<run>-<tag>-<i>), made in two commands; removed by destroy(),
 * and at exit whatever happens.
 */
export class IdleNamespaces {
	private constructor(readonly names: readonly string[]) {}

	/** The name of the `i`th of `tag`'s: one that removeStaleNamespaces() removes once this run has ended. */
	static nameOf(tag: string, i: number): string {
		return `${PREFIX}-${RUN}-${tag}-${i}`;
	}

	static async create(count: number, tag: string): Promise<IdleNamespaces> {
		const names = Array.from({ length: count }, (_, i) => IdleNamespaces.nameOf(tag, i));
		for (const n of names) live.add(n);
		await run('sh', ['-c', `ip -batch - <<'END'\n${names.map((n) => `netns add ${n}`).join('\n')}\nEND`], 120_000);
		await run('sh', ['-c', names.map((n) => `ip -n ${n} link set lo up`).join(' && ')], 120_000);
		return new IdleNamespaces(names);
	}

	async destroy(): Promise<void> {
		await run('sh', ['-c', `ip -force -batch - <<'END'\n${this.names.map((n) => `netns del ${n}`).join('\n')}\nEND`], 120_000).catch(() => undefined);
		for (const n of this.names) live.delete(n);
	}
}

/** Counter `name` of `group` (Tcp, TcpExt, Udp ...) as namespace `ns` counts it now. */
export async function snmpIn(ns: string, group: string, name: string): Promise<number> {
	const file = group.endsWith('Ext') ? '/proc/net/netstat' : '/proc/net/snmp';
	const { stdout } = await run('ip', ['netns', 'exec', ns, 'cat', file]);
	const lines = stdout.split('\n').filter((l) => l.startsWith(`${group}:`));
	const names = lines[0]?.split(/\s+/) ?? [];
	const values = lines[1]?.split(/\s+/) ?? [];
	const i = names.indexOf(name);
	if (i < 0) throw new Error(`${group} ${name} not in ${file}`);
	return Number(values[i]);
}
