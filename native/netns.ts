// Reads a file as another network namespace shows it: setns(2) there and back, on the calling thread only.
import { closeSync, openSync } from 'node:fs';
import { BpfError } from './errors.js';
import { koffi, lib } from './libbpf.js';
import { readWhole } from './proc.js';

const CLONE_NEWNET = 0x40000000;

/** One buffer for every /proc text read here: readFileSync gives a file of no stated size (all of /proc) a new 64 kB buffer per call. */
let procBuffer: Buffer = Buffer.allocUnsafe(64 * 1024);

/** The text of a /proc file (ASCII), read into the one buffer (kept as grown). */
export function readProcText(file: string): string {
	const bytes = readWhole(file, procBuffer);
	procBuffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.buffer.byteLength - bytes.byteOffset);
	return bytes.toString('latin1');
}

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
		return readProcText(file);
	} finally {
		if (lib().setns(home, CLONE_NEWNET) !== 0) throw new BpfError('setns', koffi.errno(), 'back to nettop\'s own namespace');
	}
}
