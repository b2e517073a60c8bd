// A process's cgroup as rows name it: the cgroup v2 path, and the container id when the path is a container's.

/** A cgroup v2 directory, by the id the kernel gives it (its inode): `path` as /proc/PID/cgroup shows it ("0::<path>"). */
export interface Cgroup {
	readonly id: number;
	readonly path: string;
	/** The container's id, its first 12 hex digits as `docker ps` shows them; the pod's uid the same way under kubepods; else undefined. */
	readonly container?: string;
	/** `"cgroup":...,"container":...` for a JSON row, in UTF-8, made once: the JSON writer (format/json-piece.ts) copies it as it is. */
	readonly jsonBytes: Uint8Array;
}

/** Cgroups by id, as the kernel's cgroup v2 hierarchy has them now. */
export interface CgroupNames {
	/** The cgroup with this id; undefined for 0 (no owner known) or one not found. */
	get(id: number): Cgroup | undefined;
}

export const NO_CGROUPS: CgroupNames = { get: () => undefined };

/** Container runtimes' scope names (systemd cgroup driver) and docker's cgroupfs directory. */
const CONTAINER_PATTERNS = [/(?:^|\/)(?:docker|cri-containerd|crio|libpod)-([0-9a-f]{12,})\.scope(?:\/|$)/, /(?:^|\/)docker\/([0-9a-f]{12,})(?:\/|$)/];
/** A pod's cgroup under kubepods: pod<uid>, written with _ for - by the systemd driver. */
const POD_PATTERN = /(?:^|\/|-)pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?(?:\/|$)/;

/** The container id in a cgroup path (the innermost one), else the pod uid under kubepods, as 12 hex digits; else undefined. */
export function containerOf(path: string): string | undefined {
	let found: { at: number; id: string } | undefined;
	for (const pattern of CONTAINER_PATTERNS) {
		const m = new RegExp(pattern.source, 'g');
		for (let r = m.exec(path); r; r = m.exec(path)) {
			if (!found || r.index > found.at) found = { at: r.index, id: r[1]! };
			m.lastIndex = r.index + 1;
		}
	}
	if (found) return found.id.slice(0, 12);
	if (!path.includes('kubepods')) return undefined;
	const pod = POD_PATTERN.exec(path);
	return pod ? pod[1]!.replace(/[-_]/g, '').slice(0, 12) : undefined;
}

/** A Cgroup record for `path`. */
export function cgroupOf(id: number, path: string): Cgroup {
	const container = containerOf(path);
	return { id, path, container, jsonBytes: utf8.encode(`"cgroup":${JSON.stringify(path)},"container":${container === undefined ? 'null' : JSON.stringify(container)}`) };
}

const utf8 = new TextEncoder();

/** A row's cgroup and container fields: null when not known. */
export function cgroupFieldsOf(g: Cgroup | undefined): { cgroup: string | null; container: string | null } {
	return { cgroup: g?.path ?? null, container: g?.container ?? null };
}

/** The same for an owner's cgroup id. */
export function cgroupFields(cgroups: CgroupNames, id: number): { cgroup: string | null; container: string | null } {
	return cgroupFieldsOf(cgroups.get(id));
}

/** For a row whose owner's cgroup is not known, in UTF-8. */
export const UNKNOWN_CGROUP_JSON = utf8.encode('"cgroup":null,"container":null');

/** Whether a cgroup matches a --cgroup pattern: a substring of its path or of its container id. */
export function cgroupMatches(pattern: string, cgroup: Cgroup | undefined): boolean {
	return cgroup !== undefined && (cgroup.path.includes(pattern) || (cgroup.container !== undefined && cgroup.container.includes(pattern)));
}
