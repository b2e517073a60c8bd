// Whether this machine can run nettop's BPF: integration tests need it, and must fail (not skip) in CI without it. Importing it also kills, after each test, every process that test started.
import { afterEach, type TestContext } from 'node:test';
import { killAll } from './exec.js';
import { runNettop } from './nettop.js';
import { ensureTracefs } from './tracefs.js';

// A test that fails or times out midway leaves its nettop and peers running: not into the next test, nor past the file.
afterEach(() => killAll());

let verdict: Promise<string | undefined> | undefined;

/** undefined when `nettop --json -n 1` works here, else the reason it does not. */
function probe(): Promise<string | undefined> {
	verdict ??= (async () => {
		if (process.getuid?.() !== 0) return 'not root';
		ensureTracefs();
		const r = await runNettop(['--json', '-n', '1', '-i', '0.05']);
		if (r.code !== 0) return `nettop --json failed (${r.code}): ${r.stderr.trim()}`;
		const line = JSON.parse(r.lines[0] ?? '{}') as { nic?: unknown };
		if (!Array.isArray(line.nic)) return `the NIC collector did not start: ${JSON.stringify(line.nic)}`;
		return undefined;
	})();
	return verdict;
}

/**
 * Skips the test when BPF cannot run here, except under CI (CI set), where
 * that is a failure: CI machines are root on a kernel with BPF and BTF.
 */
export async function requireBpf(t: TestContext): Promise<boolean> {
	const why = await probe();
	if (why === undefined) return true;
	if (process.env.CI) throw new Error(`BPF is required in CI: ${why}`);
	t.skip(`needs BPF: ${why}`);
	return false;
}
