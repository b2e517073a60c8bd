// Finds, opens, loads and attaches one of nettop's compiled BPF objects.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { BpfObject } from '../../native/object.js';

/** Where the compiled objects live: $NETTOP_BPF_DIR, else bpf/ at the package root. */
export function bpfDir(): string {
	return process.env.NETTOP_BPF_DIR ?? fileURLToPath(new URL('../../../bpf/', import.meta.url));
}

export interface OpenOptions {
	/** Programs whose attach may fail without failing the collector. */
	readonly optional?: readonly string[];
	/** Called between open and load: set constants, disable programs. */
	readonly configure?: (obj: BpfObject) => void;
}

/** Opens, loads and attaches `<name>.bpf.o`; on any failure closes what it opened and rethrows. */
export function openObject(name: string, options: OpenOptions = {}): BpfObject {
	const file = path.join(bpfDir(), `${name}.bpf.o`);
	if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" (needs clang and bpftool)`);
	const obj = new BpfObject(file);
	try {
		options.configure?.(obj);
		obj.load();
		obj.attach((program) => options.optional?.includes(program) ?? false);
		return obj;
	} catch (error) {
		obj.close();
		throw error;
	}
}
