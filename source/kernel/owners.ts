// The socket-owner stamps every object that tracks sockets shares: the first one loaded provides its map, the rest reuse it.
import type { BpfMap } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import { sockOwner } from './layouts.js';

/**
 * The stamping programs on inet_sock_set_state (bpf/owner.bpf.h
 * OWNER_STATE_PROGRAM). They act only on a move to SYN_SENT or LISTEN, which
 * connect() and listen() make in process context; the kernel skips a run only
 * when it would nest in a run of the same program on that CPU (tracepoints
 * run with preemption off), so a skipped run is always an interrupt's state
 * change, one they ignore. Their recursion misses lose nothing and are not
 * reported as lost (docs/metrics.md).
 */
export const STATE_STAMPERS: ReadonlySet<string> = new Set(['nt_tcp_state', 'nt_rtt_own_st', 'nt_rtx_own_st', 'nt_con_own_st', 'nt_drp_own_st', 'nt_lat_own_st']);

/**
 * sk_owner (bpf/owner.bpf.h): socket storage naming the process that owns each
 * socket. Every object that needs owners declares it; one map serves them all,
 * so each socket is stamped once and every feature sees the same owner.
 * Objects load side by side, but one that would provide the map waits for
 * those opened before it to have loaded or failed.
 */
export class SocketOwners {
	/** The map as it will be once every object opened so far has loaded or failed (undefined: none provides it). */
	private turn: Promise<BpfMap | undefined> = Promise.resolve(undefined);

	/**
	 * Opens a collector whose object declares sk_owner. `open` gets `join`, to
	 * call from its object's configure (before load): when an object opened
	 * before provides the map, it reuses that map and leaves out `stampers`,
	 * its own stamping programs (the provider's stamp for all); else it keeps
	 * them and its map serves the objects after it. The calls' order is the
	 * order of turns.
	 */
	open<C extends { readonly obj: BpfObject; close(): void }>(stampers: readonly string[], open: (join: (obj: BpfObject) => void) => Promise<C>): Promise<C> {
		const before = this.turn;
		let settle!: (map: BpfMap | undefined) => void;
		this.turn = new Promise((resolve) => (settle = resolve));
		return before.then(async (shared) => {
			if (shared) settle(shared);
			try {
				const collector = await open((obj) => {
					if (!shared) return;
					obj.reuseMap('sk_owner', shared);
					for (const program of stampers) obj.disable(program, 'owners come from another object');
				});
				if (!shared) {
					try {
						settle(collector.obj.map('sk_owner', undefined, sockOwner));
					} catch (error) {
						collector.close();
						throw error;
					}
				}
				return collector;
			} finally {
				settle(shared); // failed: the next in turn provides (a settled promise ignores this)
			}
		});
	}
}
