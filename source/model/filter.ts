// The PID, port, family, loopback and cgroup filters applied to every per-connection output, and the lists users type for them.
import { cgroupMatches, type Cgroup } from './cgroup.js';
import { isLoopback } from './flow.js';

export interface Filter {
	/** Empty: every process. */
	readonly pids: ReadonlySet<number>;
	/** Empty: every port; else the local or the remote port must be one of them. */
	readonly ports: ReadonlySet<number>;
	/** undefined: both families. IPv4-mapped IPv6 counts as 4. */
	readonly family?: 4 | 6;
	/** True: leave out connections that never leave the host (flow.ts, isLoopback). */
	readonly noLoopback?: boolean;
	/** Only rows whose owner's cgroup path or container id holds this text (--cgroup). */
	readonly cgroup?: string;
}

export const NO_FILTER: Filter = { pids: new Set(), ports: new Set() };

export function matches(f: Filter, flow: { pid: number; lport: number; rport: number; family: 4 | 6; laddr: string; raddr: string }): boolean {
	if (f.pids.size > 0 && !f.pids.has(flow.pid)) return false;
	if (f.ports.size > 0 && !f.ports.has(flow.lport) && !f.ports.has(flow.rport)) return false;
	if (f.noLoopback && isLoopback(flow)) return false;
	return f.family === undefined || f.family === flow.family;
}

export function isFiltering(f: Filter): boolean {
	return f.pids.size > 0 || f.ports.size > 0 || f.family !== undefined || f.noLoopback === true || f.cgroup !== undefined;
}

/** Whether a row's owner's cgroup passes the --cgroup filter (every row does when it is not set). */
export function matchesCgroup(f: Filter, cgroup: Cgroup | undefined): boolean {
	return f.cgroup === undefined || cgroupMatches(f.cgroup, cgroup);
}

/** A value the user gave (a flag, or text typed in a prompt) that does not parse; the message says what was wanted. */
export class UsageError extends Error {
	override name = 'UsageError';
}

export const PID_MAX = 2 ** 22;

/** "80,443" -> {80, 443}; every item a whole number in [min, max]. `flag` and `what` name it in the message. */
export function numberList(text: string | undefined, flag: string, what: string, min: number, max: number): Set<number> {
	const out = new Set<number>();
	if (text === undefined) return out;
	for (const item of text.split(',')) {
		const n = Number(item);
		if (!/^\s*\d+\s*$/.test(item) || n < min || n > max) {
			throw new UsageError(`${flag} wants ${what} from ${min} to ${max}, separated by commas; got "${text}"`);
		}
		out.add(n);
	}
	return out;
}
