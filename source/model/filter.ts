// The PID, port and family filters, applied to every TCP output.

export interface Filter {
	/** Empty: every process. */
	readonly pids: ReadonlySet<number>;
	/** Empty: every port; else the local or the remote port must be one of them. */
	readonly ports: ReadonlySet<number>;
	/** undefined: both families. IPv4-mapped IPv6 counts as 4. */
	readonly family?: 4 | 6;
}

export const NO_FILTER: Filter = { pids: new Set(), ports: new Set() };

export function matches(f: Filter, flow: { pid: number; lport: number; rport: number; family: 4 | 6 }): boolean {
	if (f.pids.size > 0 && !f.pids.has(flow.pid)) return false;
	if (f.ports.size > 0 && !f.ports.has(flow.lport) && !f.ports.has(flow.rport)) return false;
	return f.family === undefined || f.family === flow.family;
}

export function isFiltering(f: Filter): boolean {
	return f.pids.size > 0 || f.ports.size > 0 || f.family !== undefined;
}
