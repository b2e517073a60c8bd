// Owners of unstamped sockets from a /proc made for the test: by the socket's inode, with comm and cgroup id; misses looked for once.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FdOwners } from '../../../source/features/drops/fd-owners.js';

/** A process in the fake /proc: its descriptors' link targets, comm and cgroup v2 path. */
function proc(root: string, pid: number, links: string[], comm: string, cgroup: string): void {
	mkdirSync(path.join(root, String(pid), 'fd'), { recursive: true });
	links.forEach((target, fd) => symlinkSync(target, path.join(root, String(pid), 'fd', String(fd))));
	writeFileSync(path.join(root, String(pid), 'comm'), `${comm}\n`);
	writeFileSync(path.join(root, String(pid), 'cgroup'), `0::${cgroup}\n`);
}

test('an unstamped socket\'s owner: the process holding its inode, with comm and cgroup id; an inode nobody holds is looked for once', (t) => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'nettop-fd-owners-'));
	t.after(() => rmSync(dir, { recursive: true, force: true }));
	const [root, cgroups] = [path.join(dir, 'proc'), path.join(dir, 'cgroup')];
	mkdirSync(path.join(cgroups, 'app.slice'), { recursive: true });
	mkdirSync(path.join(root, 'self'), { recursive: true });
	proc(root, 10, ['/dev/null', 'socket:[500]'], 'sshd', '/');
	proc(root, 20, ['pipe:[7]', 'socket:[600]', 'socket:[601]'], 'dnsd', '/app.slice');
	const owners = new FdOwners(root, cgroups);
	owners.resolve([601, 0, 999]);
	assert.deepEqual(owners.get(601), { pid: 20, comm: 'dnsd', cgroupId: statSync(path.join(cgroups, 'app.slice')).ino });
	assert.equal(owners.get(600), undefined, 'only the inodes asked for');
	assert.equal(owners.get(999), undefined);
	proc(root, 30, ['socket:[999]'], 'late', '/');
	owners.resolve([999]);
	assert.equal(owners.get(999), undefined, 'a miss is not looked for again');
	owners.resolve([500]);
	assert.deepEqual(owners.get(500), { pid: 10, comm: 'sshd', cgroupId: statSync(cgroups).ino });
});
