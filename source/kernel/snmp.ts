// The kernel's SNMP counters (/proc/net/snmp, /proc/net/netstat): one group's names and values, in each namespace nettop can enter, visited when something happened there.
import { statSync } from 'node:fs';
import path from 'node:path';
import { readInNetns, readProcText } from '../../native/netns.js';
import { NETNS_RUN_DIR, NetnsLiveness } from './netns.js';

/** Counter `name` of `group` ("Tcp", "CurrEstab") in the text of /proc/net/snmp; undefined when absent. Finds the group's two lines, no split of the whole text (netstat's is kilobytes). */
export function snmpCounter(text: string, group: string, name: string): number | undefined {
	const head = `${group}: `;
	const at = text.startsWith(head) ? 0 : text.indexOf(`\n${head}`) + 1;
	if (at === 0 && !text.startsWith(head)) return undefined;
	const lineEnd = (from: number) => {
		const end = text.indexOf('\n', from);
		return end < 0 ? text.length : end;
	};
	const namesEnd = lineEnd(at);
	if (!text.startsWith(head, namesEnd + 1)) return undefined;
	const names = text.slice(at, namesEnd).split(' ');
	const values = text.slice(namesEnd + 1, lineEnd(namesEnd + 1)).split(' ');
	const i = names.indexOf(name);
	return i < 1 || values[i] === undefined ? undefined : Number(values[i]);
}

/**
 * The namespaces where something happened this interval, by inode: every
 * collector marks those whose counters it saw move as it reads (the NIC's
 * packets first), and the MIB readers below visit only those. Begun anew by
 * collectors.ts at each read.
 */
export class NetnsActivity {
	private moved = new Set<number>();

	/** `liveness`: which namespaces exist, one listing shared by the collectors (NetnsRetirer). */
	constructor(readonly liveness = new NetnsLiveness()) {}

	begin(): void {
		this.moved = new Set();
	}

	has(netns: number): boolean {
		return this.moved.has(netns);
	}

	/** Marks each namespace whose total in `now` (a collector's counts added up) is not what it was in `before`; returns `now`, for the next read's `before`. */
	markMoved(before: ReadonlyMap<number, number>, now: Map<number, number>): Map<number, number> {
		for (const [netns, total] of now) if (before.get(netns) !== total) this.moved.add(netns);
		return now;
	}
}

/** Adds `n` to namespace `netns`'s total: a collector's counts added up per namespace, for markMoved. */
export function addTo(totals: Map<number, number>, netns: number, n: number): void {
	totals.set(netns, (totals.get(netns) ?? 0) + n);
}

/** An idle namespace's counters are read again within about this long (ms): the sweep, for changes no hook saw. */
export const SWEEP_MS = 120_000;

/**
 * `pick` applied to the text of `file` (/proc/thread-self/net/snmp or
 * netstat) in nettop's own namespace and in each one `ip netns` names, by
 * inode: the kernel's own counters, read where nettop can enter (setns(2),
 * which needs CAP_SYS_ADMIN; elsewhere the namespace is left out). A named
 * namespace is visited when first seen, when `activity` has it, and in turn
 * by a sweep of the idle ones (each within about SWEEP_MS, a share of them
 * each read by the time since the last); otherwise its last values stand:
 * counters no packet moved have not moved. A node with 200 idle pods costs
 * a visit or two a second, not 200 a read.
 */
export class NetnsMib<T> {
	private last = new Map<number, T>();
	private sweepAt = 0;
	/** Idle namespaces owed a visit by the sweep (fractional), and when the last read was (ms). */
	private owed = 0;
	private readAt: number | undefined;

	/** `readIn` and `readOwn` read the file in a namespace bound at a path, and in nettop's own (its inode too): for tests to stand in. */
	constructor(
		private readonly file: 'snmp' | 'netstat',
		private readonly pick: (text: string) => T | undefined,
		private readonly readIn: (nsPath: string, file: string) => string = readInNetns,
		private readonly readOwn: (file: string) => { ino: number; text: string } = (file) => ({ ino: statSync('/proc/thread-self/ns/net').ino, text: readProcText(file) }),
	) {}

	/** The counters now; `now` a monotonic clock (ms), which paces the sweep. */
	read(names: ReadonlyMap<number, string>, activity: NetnsActivity, now: number): Map<number, T> {
		const out = new Map<number, T>();
		const own = this.readOwn(`/proc/thread-self/net/${this.file}`);
		const ownValue = this.pick(own.text);
		if (ownValue !== undefined) out.set(own.ino, ownValue);
		const idle: [number, string][] = [];
		for (const [ino, name] of names) {
			if (out.has(ino)) continue;
			if (!this.last.has(ino) || activity.has(ino)) this.visit(ino, name, out);
			else idle.push([ino, name]);
		}
		this.owed = Math.min(idle.length, this.owed + (idle.length * (now - (this.readAt ?? now))) / SWEEP_MS);
		this.readAt = now;
		const swept = Math.floor(this.owed);
		this.owed -= swept;
		for (let k = 0; k < idle.length; k++) {
			const [ino, name] = idle[(this.sweepAt + k) % idle.length]!;
			if (k < swept) this.visit(ino, name, out);
			else out.set(ino, this.last.get(ino)!);
		}
		this.sweepAt = idle.length > 0 ? (this.sweepAt + swept) % idle.length : 0;
		this.last = out;
		return out;
	}

	private visit(ino: number, name: string, out: Map<number, T>): void {
		try {
			const value = this.pick(this.readIn(path.join(NETNS_RUN_DIR, name), `/proc/thread-self/net/${this.file}`));
			if (value !== undefined) out.set(ino, value);
		} catch {
			/* removed meanwhile, or not enterable: unknown, not zero */
		}
	}
}
