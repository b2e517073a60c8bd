// One connection event: what happened, to which connection, whose; and how the JSON line writes it.
import { isoTime } from '../../format/time.js';
import { cgroupFields, NO_CGROUPS, type CgroupNames } from '../../model/cgroup.js';
import type { OwnedFlow } from '../../model/flow.js';

export type ConnEventType = 'connect' | 'accept' | 'close' | 'fail' | 'reset_in' | 'reset_out';
/** Which end of the connection this host's socket is: it connected, or it accepted. */
export type Direction = 'connect' | 'accept';

export interface ConnEvent extends OwnedFlow {
	/** Epoch ms. */
	readonly time: number;
	readonly type: ConnEventType;
	readonly direction?: Direction;
	/** The owner's cgroup v2 id; 0 when not known. */
	readonly cgroupId: number;
	/** The TCP state it left (close, fail), or was in (resets). */
	readonly state: string;
	/** close: the connection's lifetime, when nettop saw it start. */
	readonly durationMs?: number;
	/** close: bytes acknowledged by the peer and bytes received, over the connection's life. */
	readonly txBytes?: number;
	readonly rxBytes?: number;
	/** close: it went from ESTABLISHED or CLOSE_WAIT straight to CLOSE (an abort, as TcpEstabResets counts). */
	readonly abort?: boolean;
	/** connect: SYN sent to established. */
	readonly latencyUs?: number;
	/** fail: refused, timed out, reset, unreachable, ... */
	readonly reason?: string;
	/** reset_out: no socket took the segment (a closed port); no owner. */
	readonly noSocket?: boolean;
}

/** An event as the JSON line writes it: ISO time, its owner's cgroup, the fields of its type only. */
export function eventJson(e: ConnEvent, cgroups: CgroupNames = NO_CGROUPS): object {
	const o: Record<string, unknown> = { time: isoTime(e.time), type: e.type };
	if (e.direction) o.direction = e.direction;
	o.pid = e.pid;
	o.comm = e.comm;
	o.netns = e.netns;
	o.family = e.family;
	o.laddr = e.laddr;
	o.lport = e.lport;
	o.raddr = e.raddr;
	o.rport = e.rport;
	Object.assign(o, cgroupFields(cgroups, e.cgroupId));
	switch (e.type) {
		case 'close':
			// Microseconds are what the kernel's clock gives a lifetime here; more digits would be noise.
			o.duration_ms = e.durationMs === undefined ? null : Math.round(e.durationMs * 1000) / 1000;
			o.tx_bytes = e.txBytes;
			o.rx_bytes = e.rxBytes;
			o.abort = e.abort === true;
			break;
		case 'fail':
			o.reason = e.reason;
			break;
		case 'connect':
			if (e.latencyUs !== undefined) o.latency_us = e.latencyUs;
			break;
		default:
			if (e.noSocket) o.no_socket = true;
			else o.state = e.state;
	}
	return o;
}
