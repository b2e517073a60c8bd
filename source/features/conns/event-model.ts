// One connection event: what happened, to which connection, whose.
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
