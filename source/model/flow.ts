// A connection (or UDP socket) as the model and every output name it: endpoints, namespace, owner.

/** A connection's endpoints; IPv4-mapped IPv6 sockets are shown as IPv4. */
export interface FlowId {
	readonly netns: number;
	readonly family: 4 | 6;
	readonly laddr: string;
	readonly lport: number;
	readonly raddr: string;
	readonly rport: number;
}

/** A connection and the process that owns it. */
export interface OwnedFlow extends FlowId {
	readonly pid: number;
	readonly comm: string;
}

/** Just the OwnedFlow fields of a bigger record, in the order every output writes them. */
export function ownedFlow(f: OwnedFlow): OwnedFlow {
	return { pid: f.pid, comm: f.comm, netns: f.netns, family: f.family, laddr: f.laddr, lport: f.lport, raddr: f.raddr, rport: f.rport };
}

/** A socket's owner and endpoints as a row writes them: an unconnected UDP socket has no remote end (null). */
export type SocketRow = Omit<OwnedFlow, 'raddr' | 'rport'> & { readonly raddr: string | null; readonly rport: number | null };

/** The OwnedFlow fields of a socket's flow, the remote end null for a UDP socket not connected. */
export function socketRow(f: SocketFlow): SocketRow {
	const connected = f.proto === 'tcp' || f.rport !== 0;
	return { pid: f.pid, comm: f.comm, netns: f.netns, family: f.family, laddr: f.laddr, lport: f.lport, raddr: connected ? f.raddr : null, rport: connected ? f.rport : null };
}

/** A socket's connection and owner, as a slot table holds it: one object per socket and owner, shared by every read while it holds. */
export interface SocketFlow extends OwnedFlow {
	readonly cookie: number;
	/** The socket's protocol (tcp.bpf.o counts UDP sockets too; other tables hold TCP only). */
	readonly proto: 'tcp' | 'udp';
	/** The owner's cgroup v2 id (model/cgroup.ts); 0 when not known. */
	readonly cgroupId: number;
}

/** A loopback address: 127.0.0.0/8 or ::1. */
export const loopbackAddress = (addr: string): boolean => addr === '::1' || addr.startsWith('127.');

/** A connection that never leaves the host: to a loopback address, or to its own address. */
export function isLoopback(f: { raddr: string; laddr: string }): boolean {
	return loopbackAddress(f.raddr) || f.raddr === f.laddr;
}
