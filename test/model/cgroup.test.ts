// Cgroup paths: container ids as runtimes name their cgroups, the --cgroup match, and ids resolved by walking a hierarchy.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CgroupPaths, cgroup2Mount } from '../../source/kernel/cgroups.js';
import { cgroupMatches, cgroupOf, containerOf } from '../../source/model/cgroup.js';

const ID = '3f4e5d6c7b8a9f0e1d2c3b4a59687766554433221100ffeeddccbbaa99887766';

test('container ids: docker, containerd, CRI-O and podman scopes, docker cgroupfs, pods under kubepods; 12 hex digits', () => {
	const cases: [string, string | undefined][] = [
		[`/system.slice/docker-${ID}.scope`, ID.slice(0, 12)],
		[`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b3c4d_5e6f_7a8b_9c0d_1e2f3a4b5c6d.slice/cri-containerd-${ID}.scope`, ID.slice(0, 12)],
		[`/machine.slice/libpod-${ID}.scope/container`, ID.slice(0, 12)],
		[`/kubepods.slice/crio-${ID}.scope`, ID.slice(0, 12)],
		[`/docker/${ID}`, ID.slice(0, 12)],
		['/kubepods/burstable/pod1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d', '1a2b3c4d5e6f'],
		['/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1a2b3c4d_5e6f_7a8b_9c0d_1e2f3a4b5c6d.slice', '1a2b3c4d5e6f'],
		['/user.slice/user-0.slice/session-1.scope', undefined],
		['/system.slice/docker.service', undefined],
		['/', undefined],
	];
	for (const [p, want] of cases) assert.equal(containerOf(p), want, p);
});

test('--cgroup matches text in the path or the container id; a row without a cgroup never matches', () => {
	const g = cgroupOf(7, `/system.slice/docker-${ID}.scope`);
	assert.deepEqual([cgroupMatches('docker-', g), cgroupMatches(ID.slice(0, 6), g), cgroupMatches('nginx', g), cgroupMatches('/', undefined)], [true, true, false, false]);
	assert.equal(Buffer.from(g.jsonBytes).toString('utf8'), `"cgroup":"/system.slice/docker-${ID}.scope","container":"${ID.slice(0, 12)}"`);
});

test('ids are the directories\' inodes, found by walking the mount; a cgroup made later is found by the next walk', () => {
	const root = mkdtempSync(path.join(tmpdir(), 'nettop-cg-'));
	try {
		mkdirSync(path.join(root, 'system.slice', `docker-${ID}.scope`), { recursive: true });
		let now = 0;
		const paths = new CgroupPaths(root, () => now);
		const ino = (rel: string) => statSync(path.join(root, rel)).ino;
		assert.equal(paths.get(ino(`system.slice/docker-${ID}.scope`))?.path, `/system.slice/docker-${ID}.scope`);
		assert.equal(paths.get(ino('.'))?.path, '/');
		assert.equal(paths.get(0), undefined, '0: no owner known');
		mkdirSync(path.join(root, 'late'));
		assert.equal(paths.get(ino('late')), undefined, 'not walked again within a second');
		now += 1500;
		assert.equal(paths.get(ino('late'))?.path, '/late');
	} finally {
		rmSync(root, { recursive: true, force: true });
	}
});

test('the cgroup2 mount is found in /proc/mounts, beside v1 too', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'nettop-mounts-'));
	try {
		const file = path.join(dir, 'mounts');
		writeFileSync(file, 'cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n');
		assert.equal(cgroup2Mount(file), '/sys/fs/cgroup/unified');
		writeFileSync(file, 'proc /proc proc rw 0 0\n');
		assert.equal(cgroup2Mount(file), undefined);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
