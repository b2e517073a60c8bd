// Remembers when each map entry last changed, to retire entries that stopped changing.

type Id = string | number;

/**
 * Entries of the NIC maps never die in the kernel: an interface that goes
 * away leaves its entries behind. An entry whose `version` (any number that
 * grows with activity) has not changed for `idleMs` is reported stale; the
 * collector deletes it in the kernel and forgets it, so if it moves again it
 * counts from zero.
 */
export class IdleTracker {
	private readonly seen = new Map<Id, { version: number; at: number }>();
	private marks = new Set<Id>();

	constructor(private readonly idleMs: number) {}

	/** Records entry `id` at `now`; true when it has been idle for idleMs and should go. */
	stale(id: Id, version: number, now: number): boolean {
		this.marks.add(id);
		const last = this.seen.get(id);
		if (!last) {
			this.seen.set(id, { version, at: now });
			return false;
		}
		if (last.version !== version) {
			last.version = version;
			last.at = now;
			return false;
		}
		if (now - last.at < this.idleMs) return false;
		this.seen.delete(id);
		return true;
	}

	/** Forgets every entry not passed to stale() since the last sweep (it left the map). */
	sweep(): void {
		if (this.seen.size > this.marks.size) for (const id of this.seen.keys()) if (!this.marks.has(id)) this.seen.delete(id);
		this.marks = new Set();
	}
}
