// The kernel's SNMP counters (/proc/net/snmp, /proc/net/netstat): one group's names and values, in each namespace nettop can enter.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { readInNetns } from '../../native/netns.js';
import { NETNS_RUN_DIR } from './netns.js';

/** Counter `name` of `group` ("Tcp", "CurrEstab") in the text of /proc/net/snmp; undefined when absent. */
export function snmpCounter(text: string, group: string, name: string): number | undefined {
	const lines = text.split('\n').filter((l) => l.startsWith(`${group}:`));
	if (lines.length < 2) return undefined;
	const names = lines[0]!.split(/\s+/);
	const values = lines[1]!.split(/\s+/);
	const i = names.indexOf(name);
	return i < 1 || values[i] === undefined ? undefined : Number(values[i]);
}

/**
 * `pick` applied to the text of `file` (/proc/thread-self/net/snmp or
 * netstat) in nettop's own namespace and in each one `ip netns` names, by
 * inode: the kernel's own counters, read where nettop can enter (setns(2),
 * which needs CAP_SYS_ADMIN; elsewhere the namespace is left out).
 */
export function mibByNetns<T>(names: ReadonlyMap<number, string>, file: 'snmp' | 'netstat', pick: (text: string) => T | undefined): Map<number, T> {
	const out = new Map<number, T>();
	const at = `/proc/thread-self/net/${file}`;
	const own = pick(readFileSync(at, 'utf8'));
	if (own !== undefined) out.set(statSync('/proc/thread-self/ns/net').ino, own);
	for (const [ino, name] of names) {
		if (out.has(ino)) continue;
		try {
			const value = pick(readInNetns(path.join(NETNS_RUN_DIR, name), at));
			if (value !== undefined) out.set(ino, value);
		} catch {
			/* removed meanwhile, or not enterable: unknown, not zero */
		}
	}
	return out;
}
