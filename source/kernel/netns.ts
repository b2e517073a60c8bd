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

/** The last listing, kept while the directory is unchanged and every file in it was a namespace's mount. */
let listed: { dir: string; mtimeNs: bigint; names: ReadonlyMap<number, string> } | undefined;

/**
 * Names of network namespaces by inode, as `ip netns` lists them: each file
 * under /run/netns is a bind mount of a namespace, so its inode (stat follows
 * the mount) is the namespace's. A node with 200 pods names 200: while the
 * directory's mtime holds (`ip netns add` and `del` make and remove a file),
 * the last listing is reused, one stat in all. Unless a file was not yet a
 * mount (made a moment ago: file first, mount after, on the directory's own
 * device): then it is read anew next time, and named right once mounted.
 */
export function netnsNames(dir = NETNS_RUN_DIR): ReadonlyMap<number, string> {
	let st;
	try {
		st = statSync(dir, { bigint: true });
	} catch {
		listed = undefined;
		return new Map();
	}
	if (listed?.dir === dir && listed.mtimeNs === st.mtimeNs) return listed.names;
	const names = new Map<number, string>();
	let complete = true;
	let entries: string[];
	try {
		entries = readdirSync(dir);
	} catch {
		return names;
	}
	for (const name of entries.sort()) {
		try {
			const entry = statSync(path.join(dir, name));
			if (BigInt(entry.dev) === st.dev) complete = false;
			if (!names.has(entry.ino)) names.set(entry.ino, name);
		} catch {
			complete = false; /* removed meanwhile */
		}
	}
	listed = complete ? { dir, mtimeNs: st.mtimeNs, names } : undefined;
	return names;
}
