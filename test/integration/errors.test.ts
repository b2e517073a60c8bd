// Machines nobody prepared: no root, no libbpf, no BTF, a program the verifier refuses. One line each, no trace.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { requireBpf } from '../helpers/bpf.js';
import { exited, run, start } from '../helpers/exec.js';
import { CLI, programsLeft, runNettop } from '../helpers/nettop.js';
import { bpfDir } from '../../source/kernel/objects.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nettop-errors-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** One line on stderr, exit 1, nothing on stdout, no stack trace. */
function oneLine(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
	assert.equal(r.code, 1, r.stderr);
	assert.equal(r.stdout, '');
	assert.match(r.stderr, /^nettop: [^\n]+\n$/, `one line: ${r.stderr}`);
	assert.match(r.stderr, pattern);
	assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test('without the capabilities (as root with none, as after a plain user runs it): one line saying to use sudo, exit 1', async (t) => {
	if (!(await requireBpf(t))) return;
	const r = await runAs(['setpriv', '--bounding-set=-all', '--inh-caps=-all', process.execPath, CLI, '--json', '-n', '1']);
	oneLine(r, /run as root \(sudo nettop\) or with CAP_BPF and CAP_PERFMON/);
});

test('without libbpf.so.1: names the package to install', async () => {
	const r = await runNettop(['--json', '-n', '1'], 20_000, { ...process.env, NETTOP_LIBBPF: '/nonexistent/libbpf.so.1' });
	oneLine(r, /cannot load libbpf\.so\.1 \(install the libbpf1 package\)/);
});

test('a kernel without BTF: says so and what the kernel needs', async (t) => {
	if (!(await requireBpf(t))) return;
	// A private mount namespace where /sys/kernel/btf/vmlinux is empty.
	const r = await runAs(['unshare', '-m', 'sh', '-c', `mount --bind /dev/null /sys/kernel/btf/vmlinux && exec ${process.execPath} ${CLI} --json -n 1`]);
	oneLine(r, /this kernel has no BTF .*CONFIG_DEBUG_INFO_BTF/);
	assert.deepEqual(await programsLeft(), []);
});

test('a program the verifier refuses: its collector says which and why, the others run', async (t) => {
	if (!(await requireBpf(t))) return;
	const dir = path.join(tmp, 'objects');
	await run('mkdir', ['-p', dir]);
	for (const name of ['tcp', 'rtt', 'retrans']) copyFileSync(path.join(bpfDir(), `${name}.bpf.o`), path.join(dir, `${name}.bpf.o`));
	const source = fileURLToPath(new URL('../../../test/fixtures/broken.bpf.c', import.meta.url));
	const arch = os.arch() === 'arm64' ? 'arm64' : 'x86';
	await run('clang', ['-g', '-O2', '-target', 'bpf', `-D__TARGET_ARCH_${arch}`, `-I${path.join(bpfDir(), '.output')}`, '-c', source, '-o', path.join(dir, 'nic.bpf.o')]);
	const r = await runNettop(['--json', '-n', '1', '-i', '0.2'], 20_000, { ...process.env, NETTOP_BPF_DIR: dir });
	assert.equal(r.code, 0, r.stderr);
	const line = JSON.parse(r.lines[0]!) as { nic: { unavailable: string }; tcp: unknown };
	assert.match(line.nic.unavailable, /program nt_nic_tx: R1 invalid mem access 'scalar'/);
	assert.ok(Array.isArray(line.tcp), 'tcp still runs');
	assert.deepEqual(await programsLeft(), []);
});

/** Runs `argv` to completion (at most 20 s), as runNettop does nettop: registered, so a failing test does not leave it behind. */
async function runAs(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	const child = start(argv[0]!, argv.slice(1));
	let stdout = '';
	let stderr = '';
	child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
	child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
	const code = await exited(child, 20_000);
	return { code, stdout, stderr };
}
