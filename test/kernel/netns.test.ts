// Namespace names as `ip netns` keeps them: files under a directory, named by the inode they lead to.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { netnsNames } from '../../source/kernel/netns.js';

test('netnsNames: each file by its inode; a missing directory is no names', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'nettop-netns-'));
	try {
		writeFileSync(path.join(dir, 'blue'), '');
		writeFileSync(path.join(dir, 'red'), '');
		const names = netnsNames(dir);
		assert.equal(names.get(statSync(path.join(dir, 'blue')).ino), 'blue');
		assert.equal(names.get(statSync(path.join(dir, 'red')).ino), 'red');
		assert.equal(netnsNames(path.join(dir, 'none')).size, 0);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
