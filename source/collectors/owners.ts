// Socket owners: RTT and retransmit objects share tcp.bpf.o's owner map when it is loaded.
import type { BpfMap } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';

/**
 * Before load: with tcp.bpf.o's `owners` map, reuse it and leave out the
 * object's own stamping programs (`own`), so each socket is stamped once;
 * without it, the object stamps owners itself.
 */
export function useOwners(obj: BpfObject, own: readonly string[], owners: BpfMap | undefined): void {
	if (!owners) return;
	obj.reuseMap('sk_owner', owners);
	for (const program of own) obj.disable(program, 'owners come from tcp.bpf.o');
}

/** The owner-stamping programs each object carries for when tcp.bpf.o is not loaded. */
export const OWNER_PROGRAMS = {
	rtt: ['nt_rtt_own_tx', 'nt_rtt_own_rx', 'nt_rtt_own_st'],
	retrans: ['nt_rtx_own_tx', 'nt_rtx_own_rx', 'nt_rtx_own_st'],
} as const;
