// The socket-owner stamps every object that tracks sockets shares: the first one loaded provides its map, the rest reuse it.
import type { BpfMap } from '../../native/map.js';
import type { BpfObject } from '../../native/object.js';
import { sockOwner } from './layouts.js';

/**
 * sk_owner (bpf/owner.bpf.h): socket storage naming the process that owns each
 * socket. Every object that needs owners declares it; one map serves them all,
 * so each socket is stamped once and every feature sees the same owner.
 */
export class SocketOwners {
	private shared: BpfMap | undefined;

	/**
	 * Before load: when another object already provides the map, reuse it and
	 * leave out `stampers`, this object's own stamping programs (the provider's
	 * stamp for both); else keep them, to stamp for everyone.
	 */
	join(obj: BpfObject, stampers: readonly string[]): void {
		if (!this.shared) return;
		obj.reuseMap('sk_owner', this.shared);
		for (const program of stampers) obj.disable(program, 'owners come from another object');
	}

	/** Once the object is loaded and attached: its map serves the objects after it, unless one already does. */
	provide(obj: BpfObject): void {
		this.shared ??= obj.map('sk_owner', undefined, sockOwner);
	}
}
