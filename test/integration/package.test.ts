// The package as users install it: packed, installed into a clean prefix with no build step, run from there.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requireBpf } from '../helpers/bpf.js';
import { run } from '../helpers/exec.js';
import { programsLeft } from '../helpers/nettop.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nettop-package-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('npm pack, then npm install -g from the tarball into a clean prefix: it ships its BPF objects, builds nothing, depends on koffi only, and runs', async (t) => {
	if (!(await requireBpf(t))) return;
	// The tree was just built (npm test builds first): pack what is there.
	const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp, '--prefix', ROOT], 120_000);
	const tarball = path.join(tmp, packed.stdout.trim().split('\n').at(-1)!);
	const files = (await run('tar', ['tzf', tarball])).stdout.split('\n');
	for (const name of ['nic', 'tcp', 'rtt', 'retrans', 'conns', 'drops']) assert.ok(files.includes(`package/bpf/${name}.bpf.o`), `ships bpf/${name}.bpf.o`);
	assert.ok(files.includes('package/dist/bin/nettop.js'));

	const prefix = path.join(tmp, 'prefix');
	// --ignore-scripts: nothing runs at install (koffi ships its binaries prebuilt), so npm 11 has no script to ask about.
	await run('npm', ['install', '-g', '--ignore-scripts', '--prefer-offline', '--no-fund', '--no-audit', '--prefix', prefix, tarball], 180_000);
	const installed = path.join(prefix, 'lib', 'node_modules', 'nettop');
	assert.deepEqual(readdirSync(path.join(installed, 'node_modules')).filter((d) => !d.startsWith('.')).sort(), ['@koromix', 'koffi'], 'koffi (and its own package) only: the rest is bundled');
	const r = await run('env', ['-u', 'NETTOP_BPF_DIR', path.join(prefix, 'bin', 'nettop'), '--json', '-n', '1', '-i', '0.2'], 30_000);
	const line = JSON.parse(r.stdout) as Record<string, unknown>;
	// Each feature's key, of its own shape: a list of rows, or an object of figures (never null, never the other).
	for (const key of ['nic', 'tcp', 'udp']) assert.ok(Array.isArray(line[key]), `${key}: a list of rows: ${JSON.stringify(line[key])}`);
	for (const key of ['rtt', 'retrans']) assert.equal(typeof (line[key] as { count?: unknown } | null)?.count, 'number', `${key}: an object with its count: ${JSON.stringify(line[key])}`);
	for (const key of ['conns', 'drops']) assert.ok(line[key] !== null && typeof line[key] === 'object' && !Array.isArray(line[key]), `${key}: an object: ${JSON.stringify(line[key])}`);
	assert.ok(!JSON.stringify(line).includes('unavailable'), `every feature runs from the installed objects: ${r.stdout.slice(0, 300)}`);
	assert.deepEqual(await programsLeft(), []);
});
