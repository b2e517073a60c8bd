// What the suite promises (docs/testing.md): when its files have run, nothing they made is left: no namespace, cgroup, nft table, process or BPF program.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cgroup2Mount } from '../source/kernel/cgroups.js';
import { CGROUP_PREFIX } from './helpers/cgroups.js';
import { run, RUN } from './helpers/exec.js';
import { PREFIX } from './helpers/netns.js';
import { nettopPrograms } from './helpers/nettop.js';

/** Whether this machine lets the check look: root reads every process's environment, nft and bpftool. */
function canLook(t: { skip(why: string): void }): boolean {
	if (process.getuid?.() === 0) return true;
	if (process.env.CI) throw new Error('the leftover checks need root in CI');
	t.skip('needs root');
	return false;
}

/** This process and those it runs under: they carry the run's mark too, and are not left over. */
function ancestors(): Set<number> {
	const out = new Set<number>();
	for (let pid = process.pid; pid > 1 && !out.has(pid); ) {
		out.add(pid);
		pid = Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
	}
	return out;
}

test('no process the run started is still running (each carries NETTOP_TEST_RUN in its environment)', (t) => {
	if (!canLook(t)) return;
	const mark = `NETTOP_TEST_RUN=${RUN}`;
	const mine = ancestors();
	const left: string[] = [];
	for (const entry of readdirSync('/proc')) {
		const pid = Number(entry);
		if (!Number.isInteger(pid) || mine.has(pid)) continue;
		try {
			if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(mark)) continue;
			left.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim()}`);
		} catch {
			// gone meanwhile, or a kernel thread
		}
	}
	assert.deepEqual(left, []);
});

test('no network namespace, cgroup or nftables table of the run is left', async (t) => {
	if (!canLook(t)) return;
	const namespaces = (await run('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]!);
	assert.deepEqual(namespaces.filter((n) => n.startsWith(`${PREFIX}-${RUN}-`)), [], 'namespaces');
	const mount = cgroup2Mount();
	if (mount) assert.deepEqual(readdirSync(mount).filter((n) => n.startsWith(`${CGROUP_PREFIX}-${RUN}-`)), [], `cgroups under ${mount}`);
	// The tests make their tables inside their namespaces (gone with them); none may land in the host's.
	const tables = (await run('nft', ['list', 'tables'])).stdout.split('\n').filter((l) => /\b(nettop\w*|nt[cd])$/.test(l));
	assert.deepEqual(tables, [], 'nftables tables of the tests in the host\'s namespace');
});

test('no tracefs instance of the run is left (helpers/unrun.ts makes them)', (t) => {
	if (!canLook(t)) return;
	const dir = '/sys/kernel/tracing/instances';
	if (!existsSync(dir)) return; // tracefs not mounted: no test made one
	assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith(`${PREFIX}-${RUN}-`)), []);
});

test('no nettop BPF program is loaded', async (t) => {
	if (!canLook(t)) return;
	assert.deepEqual(await nettopPrograms(), []);
});
