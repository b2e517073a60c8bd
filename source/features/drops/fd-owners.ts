// Owners of sockets no program stamped (a UDP socket that never sent or read): found by the socket's inode in /proc/<pid>/fd, as `ss -p` does.
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { cgroup2Mount } from '../../kernel/cgroups.js';

/** A process holding a socket, as an owner stamp names it. */
export interface FdOwner {
	readonly pid: number;
	readonly comm: string;
	/** Its cgroup v2 id (the inode of its directory); 0 when not known. */
	readonly cgroupId: number;
}

/** Descriptors a look reads at most (a host with more has the rest beyond it, as unknown owners). */
const MAX_FDS = 100_000;
/** Inodes remembered at most (owners and misses); beyond, forgotten all at once and looked for again. */
const MAX_KNOWN = 16_384;

/**
 * Socket inodes to owners. `resolve()`, once a read, looks through every
 * process's descriptors once for the inodes not looked for before (so in
 * the read that first sees them: a burst's one row has its owner); an inode
 * no process holds is remembered as such and not looked for again. The
 * first process found holding a socket owns it (a forked child shares its
 * parent's).
 */
export class FdOwners {
	private readonly known = new Map<number, FdOwner | null>();

	constructor(
		private readonly proc = '/proc',
		private readonly cgroupRoot: string | undefined = cgroup2Mount(),
	) {}

	/** The owner of a socket inode, when a look found one. */
	get(ino: number): FdOwner | undefined {
		return this.known.get(ino) ?? undefined;
	}

	/** Looks for the owners of `inodes` not looked for yet (0: no inode), in one pass over /proc. */
	resolve(inodes: Iterable<number>): void {
		const wanted = new Set<number>();
		for (const ino of inodes) if (ino !== 0 && !this.known.has(ino)) wanted.add(ino);
		if (wanted.size === 0) return;
		if (this.known.size + wanted.size > MAX_KNOWN) this.known.clear();
		this.look(wanted);
		for (const ino of wanted) this.known.set(ino, null);
	}

	/** Reads descriptors until every wanted inode is found (and taken out of `wanted`) or MAX_FDS are read. */
	private look(wanted: Set<number>): void {
		let fds = 0;
		for (const entry of readdirSync(this.proc)) {
			const pid = Number(entry);
			if (!Number.isInteger(pid)) continue;
			const dir = path.join(this.proc, entry, 'fd');
			let links: string[];
			try {
				links = readdirSync(dir);
			} catch {
				continue; // gone, or a kernel thread's
			}
			for (const fd of links) {
				if (++fds > MAX_FDS) return;
				let target: string;
				try {
					target = readlinkSync(path.join(dir, fd));
				} catch {
					continue; // closed meanwhile
				}
				const ino = target.startsWith('socket:[') ? Number(target.slice(8, -1)) : 0;
				if (!wanted.delete(ino)) continue;
				this.known.set(ino, this.owner(pid));
				if (wanted.size === 0) return;
			}
		}
	}

	private owner(pid: number): FdOwner {
		const read = (file: string) => {
			try {
				return readFileSync(path.join(this.proc, String(pid), file), 'utf8');
			} catch {
				return '';
			}
		};
		return { pid, comm: read('comm').trim(), cgroupId: this.cgroupId(read('cgroup')) };
	}

	/** The cgroup v2 id of a /proc/<pid>/cgroup text: its `0::` path's directory inode. */
	private cgroupId(text: string): number {
		const rel = /^0::(.*)$/m.exec(text)?.[1];
		if (rel === undefined || this.cgroupRoot === undefined) return 0;
		try {
			return statSync(path.join(this.cgroupRoot, rel)).ino;
		} catch {
			return 0; // removed since
		}
	}
}
