// The inode of nettop's own network namespace, to tell "here" from other namespaces.
import { statSync } from 'node:fs';

export function currentNetns(): number {
	try {
		return statSync('/proc/self/ns/net').ino;
	} catch {
		return 0;
	}
}
