// Network namespaces: the inode of nettop's own, the names `ip netns` knows (bind mounts under /run/netns), and which still exist.
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

/** How long a namespace's counts stand still before nettop asks whether it still exists (ms). */
export const RETIRE_MS = 30_000;

/**
 * The network namespaces that exist, by inode, as far as nettop sees: its
 * own, every one a process is in (/proc/PID/ns/net) and every one
 * bind-mounted anywhere in its mount namespace (an nsfs mount, root
 * `net:[INODE]` in /proc/self/mountinfo: `ip netns`', CNI's, a runtime's).
 * One held only by an open file is missed; NetnsRetirer makes that harmless.
 */
export function listLiveNetns(proc = '/proc'): Set<number> {
	const live = new Set<number>([currentNetns()]);
	try {
		for (const m of readFileSync(path.join(proc, 'self/mountinfo'), 'latin1').matchAll(/ net:\[(\d+)\] /g)) live.add(Number(m[1]));
	} catch {
		/* no mountinfo: the processes' namespaces still count */
	}
	let entries: string[] = [];
	try {
		entries = readdirSync(proc);
	} catch {
		return live;
	}
	for (const pid of entries) {
		if (pid.charCodeAt(0) < 48 || pid.charCodeAt(0) > 57) continue;
		try {
			live.add(statSync(path.join(proc, pid, 'ns/net')).ino);
		} catch {
			/* exited meanwhile */
		}
	}
	return live;
}

/** Whether a namespace is nettop's own or a named one: alive, no listing needed. Asked once a read: one look at the names for all. */
function knownAlive(): () => (netns: number) => boolean {
	let own: number | undefined;
	return () => {
		const names = netnsNames();
		own ??= currentNetns();
		return (netns) => netns === own || names.has(netns);
	};
}

/** The last listing of live namespaces, shared by the collectors: listed again when a question needs a newer one. */
export class NetnsLiveness {
	private live = new Set<number>();
	private listedAt = Number.NEGATIVE_INFINITY;
	/** Listings made: for tests and the bench. */
	listings = 0;

	/** `list` lists them; `known` gives, for a read, which are known alive without a listing (nettop's own, the named). */
	constructor(
		private readonly list: () => Set<number> = () => listLiveNetns(),
		readonly known: () => (netns: number) => boolean = knownAlive(),
	) {}

	/** The namespaces alive at `now` (ms, monotonic), listed again when the last listing is RETIRE_MS old or older than `after`. */
	at(now: number, after: number): ReadonlySet<number> {
		if (this.listedAt < after || now - this.listedAt >= RETIRE_MS) {
			this.live = this.list();
			this.listedAt = now;
			this.listings++;
		}
		return this.live;
	}
}

/**
 * A collector's kernel entries per namespace are kept while the namespace
 * lives: a node whose pods come and go would fill the maps with the dead.
 * Given each namespace's total of its counts every read, gone() names the
 * ones to delete: their totals stood still for RETIRE_MS and a listing made
 * after they last moved does not have them. A namespace missed by the
 * listing (held by a file only) loses nothing: its counts did not move for
 * RETIRE_MS, and an entry made again starts from 0 (intervals count deltas).
 * The listing is made only when some namespace stood still that long and
 * is not known alive (nettop's own, a named one): none on a box whose
 * namespaces all have names.
 */
export class NetnsRetirer {
	private still = new Map<number, { total: number; since: number }>();

	constructor(private readonly liveness: NetnsLiveness) {}

	gone(totals: ReadonlyMap<number, number>, now: number): number[] {
		const next = new Map<number, { total: number; since: number }>();
		const idle: number[] = [];
		let after = Number.NEGATIVE_INFINITY;
		const known = this.liveness.known();
		for (const [netns, total] of totals) {
			const before = this.still.get(netns);
			const entry = before?.total === total && !known(netns) ? before : { total, since: now };
			next.set(netns, entry);
			if (now - entry.since >= RETIRE_MS) {
				idle.push(netns);
				after = Math.max(after, entry.since);
			}
		}
		this.still = next;
		if (idle.length === 0) return [];
		const live = this.liveness.at(now, after);
		const gone: number[] = [];
		for (const netns of idle) {
			if (live.has(netns)) next.set(netns, { total: totals.get(netns)!, since: now }); // asked again in RETIRE_MS
			else {
				gone.push(netns);
				next.delete(netns);
			}
		}
		return gone;
	}
}
