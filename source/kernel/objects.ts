// Finds, opens, loads and attaches one of nettop's compiled BPF objects, choosing among alternative hooks.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { BpfError } from '../../native/errors.js';
import { BpfObject } from '../../native/object.js';
import { kindRefusal } from '../../native/probe.js';

let found: string | undefined;

/**
 * Where the compiled objects live: $NETTOP_BPF_DIR, else bpf/ at the package
 * root, found upward from this file (which is dist/source/kernel/ in the
 * compiled tree and dist/ in the bundle).
 */
export function bpfDir(): string {
	if (process.env.NETTOP_BPF_DIR) return process.env.NETTOP_BPF_DIR;
	if (found) return found;
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (let up = 0; up < 5; up++, dir = path.dirname(dir)) {
		if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'bpf'))) return (found = path.join(dir, 'bpf'));
	}
	return (found = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bpf'));
}

export interface OpenOptions {
	/**
	 * For each hook, the programs that can serve it, best first (a tp_btf
	 * program, then an fentry/fexit twin). The first that this kernel loads
	 * and attaches is used; the others are left out before load.
	 */
	readonly hooks?: Readonly<Record<string, readonly string[]>>;
	/**
	 * Programs the object can go without: left out (and listed in `skipped`)
	 * when the kernel lacks their target, refuses to load them or to attach them.
	 */
	readonly optional?: readonly string[];
	/**
	 * Hooks the object can go without while an optional program is loaded
	 * that gets it the same facts another way (hook -> that program).
	 */
	readonly coveredBy?: Readonly<Record<string, string>>;
	/** Called between open and load: set constants, share maps, disable programs. */
	readonly configure?: (obj: BpfObject) => void;
}

/**
 * Kinds of program (iter, ...) the kernel refused to load, as an optional
 * program of an object opened before: such a refusal is the kernel's policy
 * for the kind, so later objects leave theirs out before load, not after
 * loading the object once more.
 */
const refusedKinds = new Map<string, string>();
/** Kinds a probe (native/probe.ts) has asked the kernel about: a refusal it found is in refusedKinds. */
const probedKinds = new Set<string>();

/** Why the kernel refuses `program`'s kind, when a probe or an object before found it does. */
function kindRefused(obj: BpfObject, program: string): string | undefined {
	const kind = obj.kind(program);
	if (!probedKinds.has(kind)) {
		probedKinds.add(kind);
		const why = kindRefusal(kind, obj.target(program));
		if (why) refusedKinds.set(kind, why);
	}
	return refusedKinds.get(kind);
}

/**
 * Opens, loads and attaches `<name>.bpf.o`. When a hook's chosen program
 * fails to load or attach (fentry refused, say), the object is reopened with
 * that hook's next alternative; an optional program refused is left out.
 * Throws, with every reason, when a hook has none left; whatever was opened
 * is closed on every failure. The kernel's verifier works on a worker
 * thread: several objects load at once.
 */
export async function openObject(name: string, options: OpenOptions = {}): Promise<BpfObject> {
	const file = path.join(bpfDir(), `${name}.bpf.o`);
	if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" (needs clang and bpftool)`);
	const hooks = Object.entries(options.hooks ?? {});
	const optional = new Set(options.optional);
	const choice = new Map(hooks.map(([hook]) => [hook, 0]));
	const reasons = new Map<string, string[]>(hooks.map(([hook]) => [hook, []]));
	const hookPrograms = new Set(hooks.flatMap(([, alts]) => alts));
	/** Optional programs the kernel refused to load, and why: left out of every later try. */
	const refused = new Map<string, string>();
	let interrupted = 0;
	/** Load on the main thread with libbpf's log on: a quiet load on a worker thread failed without naming a program. */
	let explain = false;
	for (;;) {
		const obj = new BpfObject(file);
		try {
			options.configure?.(obj);
			for (const program of optional) {
				const why = kindRefused(obj, program);
				if (why && !refused.has(program)) refused.set(program, why);
			}
			for (const [program, why] of refused) obj.disable(program, why);
			for (const [hook, alts] of hooks) {
				let i = choice.get(hook)!;
				for (let why; i < alts.length && (why = obj.unsupported(alts[i]!)); i++) reasons.get(hook)!.push(`${alts[i]}: ${why}`);
				choice.set(hook, i);
				if (i >= alts.length) {
					// None left: the hook may go unhooked only while the program covering for it loads.
					const by = options.coveredBy?.[hook];
					const uncovered = by === undefined ? undefined : (refused.get(by) ?? obj.unsupported(by));
					if (by === undefined || uncovered !== undefined) {
						const why = by === undefined ? [] : [`in its place ${by}: ${uncovered}`];
						throw new Error(`no way to hook ${hook} on this kernel (${[...reasons.get(hook)!, ...why].join('; ')})`);
					}
				}
				alts.forEach((alt, j) => j !== i && obj.disable(alt, j < i ? 'did not work here' : `${alts[i]} is used`));
			}
			try {
				if (explain) obj.load();
				else await obj.loadAsync();
			} catch (error) {
				// The verifier gives up with EAGAIN when a signal arrives while it works (a profiler's, a resize): try again.
				if (error instanceof BpfError && error.code === 'EAGAIN' && interrupted++ < 5) {
					obj.close();
					continue;
				}
				if (error instanceof BpfError && error.program === undefined && !explain) {
					explain = true;
					obj.close();
					continue;
				}
				// The kernel refused an alternative (fentry can be) or an optional program: try without it.
				// A verifier rejection (EACCES) is a bug of ours, not a missing feature: report it.
				const program = error instanceof BpfError && error.code !== 'EACCES' ? error.program : undefined;
				const hook = program ? hooks.find(([h, alts]) => alts[choice.get(h)!] === program) : undefined;
				if (program && !hook && optional.has(program)) {
					const why = `the kernel refused to load it (${(error as BpfError).code})`;
					refused.set(program, why);
					refusedKinds.set(obj.kind(program), `the kernel refused ${obj.kind(program)} programs (${(error as BpfError).code})`);
					obj.close();
					continue;
				}
				if (!hook) throw error;
				reasons.get(hook[0])!.push(`${program}: the kernel refused to load it (${(error as BpfError).code})`);
				choice.set(hook[0], choice.get(hook[0])! + 1);
				obj.close();
				continue;
			}
			obj.attach((program) => hookPrograms.has(program) || optional.has(program));
			const failed = hooks.filter(([hook, alts]) => obj.skipped.some((s) => s.program === alts[choice.get(hook)!]));
			if (failed.length === 0) return obj;
			for (const [hook, alts] of failed) {
				const program = alts[choice.get(hook)!]!;
				reasons.get(hook)!.push(`${program}: ${obj.skipped.find((s) => s.program === program)!.reason}`);
				choice.set(hook, choice.get(hook)! + 1);
			}
			obj.close();
		} catch (error) {
			obj.close();
			throw error;
		}
	}
}
