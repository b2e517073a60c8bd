// Network namespaces: the inode of nettop's own, and the names `ip netns` knows (bind mounts under /run/netns).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function currentNetns(): number {
	try {
		return statSync('/proc/self/ns/net').ino;
	} catch {
		return 0;
	}
}

/** Where `ip netns add NAME` bind-mounts a namespace. */
export const NETNS_RUN_DIR = '/run/netns';

/**
 * Names of network namespaces by inode, as `ip netns` lists them: each file
 * under /run/netns is a bind mount of a namespace, so its inode (stat follows
 * the mount) is the namespace's. Read anew each time: a handful of stats, and
 * a name made a moment ago (file first, mount after) is right at the next read.
 */
export function netnsNames(dir = NETNS_RUN_DIR): ReadonlyMap<number, string> {
	const names = new Map<number, string>();
	let entries: string[];
	try {
		entries = readdirSync(dir);
	} catch {
		return names;
	}
	for (const name of entries.sort()) {
		try {
			const ino = statSync(path.join(dir, name)).ino;
			if (!names.has(ino)) names.set(ino, name);
		} catch {
			/* removed meanwhile */
		}
	}
	return names;
}
