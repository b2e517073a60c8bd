// Cgroup v2 ids to paths: the hierarchy's directories by inode, found where /proc/mounts says cgroup2 is mounted.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cgroupOf, type Cgroup, type CgroupNames } from '../model/cgroup.js';

/** Where cgroup v2 is mounted: /sys/fs/cgroup on most hosts, /sys/fs/cgroup/unified beside v1; undefined when it is not. */
export function cgroup2Mount(mounts = '/proc/mounts'): string | undefined {
	try {
		for (const line of readFileSync(mounts, 'utf8').split('\n')) {
			const [, where, type] = line.split(' ');
			if (type === 'cgroup2' && where) return where.replace(/\\040/g, ' ');
		}
	} catch {
		// no /proc: no cgroups
	}
	return undefined;
}

/** The hierarchy is walked again for an unknown id at most this often. */
const RESCAN_MS = 1000;
/** Directories a walk looks at, at most (a host with more has them beyond nettop's reach, said as an unknown cgroup). */
const MAX_DIRS = 100_000;

/**
 * Cgroups by id, learned by walking the cgroup v2 hierarchy: an id is its
 * directory's inode. A walk runs when an id is not known (a cgroup made since),
 * at most once a RESCAN_MS; a cgroup removed keeps its name.
 */
export class CgroupPaths implements CgroupNames {
	private readonly byId = new Map<number, Cgroup>();
	private walkedAt = -Infinity;

	constructor(
		private readonly root: string | undefined = cgroup2Mount(),
		private readonly now: () => number = () => performance.now(),
	) {}

	get(id: number): Cgroup | undefined {
		if (id === 0 || this.root === undefined) return undefined;
		const known = this.byId.get(id);
		if (known || this.now() - this.walkedAt < RESCAN_MS) return known;
		this.walk();
		return this.byId.get(id);
	}

	private walk(): void {
		this.walkedAt = this.now();
		const root = this.root!;
		const pending = [''];
		for (let seen = 0; pending.length > 0 && seen < MAX_DIRS; seen++) {
			const rel = pending.pop()!;
			const dir = path.join(root, rel);
			try {
				const ino = statSync(dir).ino;
				if (!this.byId.has(ino)) this.byId.set(ino, cgroupOf(ino, `/${rel}`));
				for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) pending.push(rel === '' ? entry.name : `${rel}/${entry.name}`);
			} catch {
				// removed while walked
			}
		}
	}
}
