// Namespace names as `ip netns` keeps them: files under a directory, named by the inode they lead to.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { listLiveNetns, NetnsLiveness, NetnsRetirer, netnsNames, RETIRE_MS } from '../../source/kernel/netns.js';

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

test('NetnsRetirer: a namespace whose counts stood still RETIRE_MS and that a listing made after they last moved lacks is gone; one that moves or lives stays', () => {
	const alive = new Set([1, 2]);
	const liveness = new NetnsLiveness(() => new Set(alive));
	const retirer = new NetnsRetirer(liveness);
	const totals = (t: Record<number, number>) => new Map(Object.entries(t).map(([k, v]) => [Number(k), v]));
	// 1 lives, 2 dies while idle, 3 keeps counting though no listing has it (held by a file), 4 dies.
	assert.deepEqual(retirer.gone(totals({ 1: 5, 2: 5, 3: 1, 4: 7 }), 0), []);
	assert.equal(liveness.listings, 0, 'nothing stood still long enough: no listing');
	alive.delete(2);
	assert.deepEqual(retirer.gone(totals({ 1: 5, 2: 5, 3: 2, 4: 7 }), RETIRE_MS - 1), [], 'not yet RETIRE_MS');
	assert.deepEqual(retirer.gone(totals({ 1: 5, 2: 5, 3: 3, 4: 7 }), RETIRE_MS), [2, 4]);
	assert.equal(liveness.listings, 1);
	// Gone ones are forgotten; the live idle one is asked about again RETIRE_MS later, with a listing made after.
	assert.deepEqual(retirer.gone(totals({ 1: 5, 3: 4 }), RETIRE_MS + 1000), []);
	alive.delete(1);
	assert.deepEqual(retirer.gone(totals({ 1: 5, 3: 5 }), 2 * RETIRE_MS - 1), []);
	assert.equal(liveness.listings, 1);
	assert.deepEqual(retirer.gone(totals({ 1: 5, 3: 6 }), 2 * RETIRE_MS), [1]);
	assert.equal(liveness.listings, 2);
	// An entry made again for a namespace once gone (its inode reused) starts anew.
	assert.deepEqual(retirer.gone(totals({ 4: 1 }), 2 * RETIRE_MS + 1000), []);
});

test('NetnsRetirer: a namespace known alive (nettop\'s own, a named one) never asks for a listing', () => {
	const liveness = new NetnsLiveness(() => new Set(), () => (netns) => netns === 9);
	const retirer = new NetnsRetirer(liveness);
	for (let now = 0; now <= 3 * RETIRE_MS; now += 1000) assert.deepEqual(retirer.gone(new Map([[9, 1]]), now), []);
	assert.equal(liveness.listings, 0);
});

test('NetnsLiveness: one listing serves every collector until a question needs a newer one', () => {
	let listed = 0;
	const liveness = new NetnsLiveness(() => new Set([++listed]));
	assert.deepEqual([...liveness.at(100, 0)], [1]);
	assert.deepEqual([...liveness.at(200, 50)], [1], 'made after 50: reused');
	assert.deepEqual([...liveness.at(300, 150)], [2], 'made before 150: listed again');
	assert.deepEqual([...liveness.at(300 + RETIRE_MS, 0)], [3], 'RETIRE_MS old: listed again');
});

test("listLiveNetns: nettop's own namespace, those processes are in, those bind-mounted (as `ip netns` mounts them)", () => {
	const live = listLiveNetns();
	assert.ok(live.has(statSync('/proc/self/ns/net').ino));
	const fake = mkdtempSync(path.join(os.tmpdir(), 'nettop-proc-'));
	try {
		mkdirSync(path.join(fake, 'self'));
		writeFileSync(path.join(fake, 'self/mountinfo'), '22 45 0:4 net:[4026532174] /run/netns/blue rw shared:2 - nsfs nsfs rw\n23 45 0:4 mnt:[4026532175] /x rw - nsfs nsfs rw\n');
		mkdirSync(path.join(fake, '42/ns'), { recursive: true });
		writeFileSync(path.join(fake, '42/ns/net'), '');
		mkdirSync(path.join(fake, 'sys'));
		const listed = listLiveNetns(fake);
		assert.ok(listed.has(4026532174), 'a bind mount');
		assert.ok(!listed.has(4026532175), 'not a mount namespace');
		assert.ok(listed.has(statSync(path.join(fake, '42/ns/net')).ino), 'a process');
		assert.equal(listed.size, 3, "and nettop's own: nothing else");
	} finally {
		rmSync(fake, { recursive: true, force: true });
	}
});
