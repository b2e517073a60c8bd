// Whether a process ID names a running process (as /proc shows them to nettop).
import { existsSync } from 'node:fs';

export function processExists(pid: number): boolean {
	return existsSync(`/proc/${pid}`);
}
