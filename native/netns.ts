// Reads a file as another network namespace shows it: setns(2) there and back, on the calling thread only.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { BpfError } from './errors.js';
import { koffi, lib } from './libbpf.js';

const CLONE_NEWNET = 0x40000000;

/** nettop's own namespace, to come back to: opened once (a namespace visited each interval made it two opens a visit). */
let home: number | undefined;

/**
 * The text of `file` (a /proc/thread-self/net path) inside the network
 * namespace bound at `nsPath` (/run/netns/NAME, /proc/PID/ns/net). The main
 * thread enters it, reads, and comes back before anything else runs on it;
 * other threads never leave their own. Throws when it cannot enter or return.
 */
export function readInNetns(nsPath: string, file: string): string {
	home ??= openSync('/proc/thread-self/ns/net', 'r');
	const target = openSync(nsPath, 'r');
	try {
		if (lib().setns(target, CLONE_NEWNET) !== 0) throw new BpfError('setns', koffi.errno(), nsPath);
	} finally {
		closeSync(target);
	}
	try {
		return readFileSync(file, 'utf8');
	} finally {
		if (lib().setns(home, CLONE_NEWNET) !== 0) throw new BpfError('setns', koffi.errno(), 'back to nettop\'s own namespace');
	}
}
