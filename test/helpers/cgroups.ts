// Cgroups the tests make under the cgroup2 mount: named after the run (nettop-test-<run>-...), emptied and removed on every path.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cgroup2Mount } from '../../source/kernel/cgroups.js';
import { leftByEndedRun, RUN, until } from './exec.js';

export const CGROUP_PREFIX = 'nettop-test';

/** A new cgroup of this file's own, directly under the cgroup2 mount (created). */
export function testCgroup(): string {
	const mount = cgroup2Mount();
	if (!mount) throw new Error('cgroup v2 is not mounted (/proc/mounts)');
	const dir = path.join(mount, `${CGROUP_PREFIX}-${RUN}-${process.pid}`);
	mkdirSync(dir, { recursive: true });
	return dir;
}

/** Kills every process in `dir` and below (cgroup.kill), then removes the cgroups, deepest first; throws when one stays. */
export async function removeCgroup(dir: string): Promise<void> {
	if (!existsSync(dir)) return;
	for (const sub of readdirSync(dir, { withFileTypes: true })) if (sub.isDirectory()) await removeCgroup(path.join(dir, sub.name));
	writeFileSync(path.join(dir, 'cgroup.kill'), '1');
	const empty = await until(() => readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').trim() === '', 5000);
	if (!empty) throw new Error(`${dir}: processes still in it after cgroup.kill: ${readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').trim()}`);
	rmdirSync(dir);
}

/** The test cgroups of runs no longer alive (another run's live ones stay). */
export async function removeStaleCgroups(): Promise<void> {
	const mount = cgroup2Mount();
	if (!mount) return;
	for (const name of readdirSync(mount)) if (leftByEndedRun(name, CGROUP_PREFIX)) await removeCgroup(path.join(mount, name));
}
