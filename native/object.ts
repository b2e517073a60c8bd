// BpfObject: open a CO-RE object, configure it, load it, attach its programs, find its maps, close it.
import { findSectionVariable, kernelHasFunction, kernelHasTracepoint } from './btf.js';
import { BpfError, check, checkPtr } from './errors.js';
import type { Layout } from './layouts.js';
import { IterAttachOpts, koffi, lib } from './libbpf.js';
import { BpfIterator } from './iterator.js';
import { captureLog, logged, quiet, recentLogOf } from './log.js';
import { BpfMap } from './map.js';

/** A program that was not loaded or not attached, and why. */
export interface Skipped {
	readonly program: string;
	readonly reason: string;
}

/** One loaded program's counters, as bpf_prog_info gives them (cumulative since load). */
export interface ProgramStats {
	readonly name: string;
	readonly runTimeNs: number;
	readonly runCount: number;
	readonly recursionMisses: number;
}

/** Offsets in struct bpf_prog_info (include/uapi/linux/bpf.h; the UAPI only appends). */
const PROG_INFO = { run_time_ns: 192, run_cnt: 200, recursion_misses: 208 } as const;
const PROG_INFO_SIZE = 232;

/**
 * Loads at once at most: each parses the kernel's BTF (libbpf, some 7 MB
 * while it loads) and keeps a CPU busy in the verifier, so more than two
 * side by side raise the peak memory more than they shorten the start.
 */
const LOADS_AT_ONCE = 2;
let loading = 0;
const waiting: (() => void)[] = [];

/** Waits for a free load slot; the function returned frees it. */
async function loadSlot(): Promise<() => void> {
	if (loading >= LOADS_AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
	else loading++;
	return () => {
		const next = waiting.shift();
		if (next) next();
		else loading--;
	};
}

export class BpfObject {
	private handle: bigint | null;
	private isLoaded = false;
	private readonly programs = new Map<string, { handle: bigint; section: string; enabled: boolean }>();
	private readonly links: bigint[] = [];
	private readonly maps = new Map<string, BpfMap>();
	/** Programs left out before load (missing tracepoint, disabled) or failed to attach. */
	readonly skipped: Skipped[] = [];

	/** bpf_object__open_file(path, NULL); throws BpfError (ENOENT for a missing file). */
	constructor(readonly path: string) {
		const l = lib();
		captureLog(); // load() names a refused program from libbpf's log
		this.handle = checkPtr('bpf_object__open_file', l.bpf_object__open_file(path, null), path);
		for (let p = l.bpf_object__next_program(this.handle, null); p; p = l.bpf_object__next_program(this.handle, p)) {
			const name = l.bpf_program__name(p);
			this.programs.set(name, { handle: p, section: l.bpf_program__section_name(p), enabled: true });
		}
	}

	/** The kind of `program`: its section's prefix (tp_btf, fentry, iter, ...). */
	kind(program: string): string {
		return this.program(program).section.split('/', 1)[0]!;
	}

	/** What `program` attaches to: its section after the kind (iter/bpf_sk_storage_map: bpf_sk_storage_map). */
	target(program: string): string {
		return this.program(program).section.split('/').slice(1).join('/');
	}

	/** Whether `program` is (to be) loaded: not disabled, nor left out by load(). */
	enabled(program: string): boolean {
		return this.program(program).enabled;
	}

	/** bpf_program__set_autoload(prog, false) before load: the program is neither loaded nor attached. */
	disable(program: string, reason: string): void {
		const p = this.program(program);
		this.requireOpen('bpf_program__set_autoload');
		check('bpf_program__set_autoload', lib().bpf_program__set_autoload(p.handle, false), program);
		if (p.enabled) this.skipped.push({ program, reason });
		p.enabled = false;
	}

	/**
	 * Writes `bytes` into the read-only global `name` (a `const volatile` in
	 * .rodata) through bpf_map__initial_value(), before load: the verifier then
	 * sees the value as a constant.
	 */
	setConstant(name: string, bytes: Uint8Array): void {
		const l = lib();
		const obj = this.requireOpen('bpf_map__initial_value');
		const btf = checkPtr('bpf_object__btf', l.bpf_object__btf(obj), this.path);
		for (let m = l.bpf_object__next_map(obj, null); m; m = l.bpf_object__next_map(obj, m)) {
			if (!(l.bpf_map__name(m)).endsWith('.rodata')) continue;
			const where = findSectionVariable(btf, '.rodata', name);
			if (!where) break;
			if (where.size !== bytes.length) throw new Error(`${this.path}: ${name} is ${where.size} bytes, got ${bytes.length}`);
			const size = [0];
			const data = checkPtr('bpf_map__initial_value', l.bpf_map__initial_value(m, size), name);
			new Uint8Array(koffi.view(data, size[0]!)).set(bytes, where.offset);
			return;
		}
		throw new Error(`${this.path}: no read-only variable ${name}`);
	}

	/**
	 * What the kernel counts of each loaded program (struct bpf_prog_info):
	 * the times it did not run because another BPF program was running on
	 * that CPU (recursion_misses), and, while kernel.bpf_stats_enabled is 1,
	 * its runs and their time. Cumulative since load.
	 */
	programStats(): ProgramStats[] {
		const l = lib();
		const out: ProgramStats[] = [];
		if (!this.isLoaded) return out;
		const info = new Uint8Array(PROG_INFO_SIZE);
		const view = new DataView(info.buffer);
		for (const [name, p] of this.programs) {
			if (!p.enabled) continue;
			const fd = l.bpf_program__fd(p.handle);
			if (fd < 0) continue;
			info.fill(0);
			const len = [PROG_INFO_SIZE];
			check('bpf_obj_get_info_by_fd', l.bpf_obj_get_info_by_fd(fd, info, len), name);
			const u64 = (at: number) => (len[0]! >= at + 8 ? Number(view.getBigUint64(at, true)) : 0);
			out.push({ name, runTimeNs: u64(PROG_INFO.run_time_ns), runCount: u64(PROG_INFO.run_cnt), recursionMisses: u64(PROG_INFO.recursion_misses) });
		}
		return out;
	}

	/** bpf_map__set_max_entries before load: for a ring buffer, its size in bytes (a power of 2, pages). */
	setMapSize(name: string, maxEntries: number): void {
		check('bpf_map__set_max_entries', lib().bpf_map__set_max_entries(this.mapHandle(name), maxEntries), name);
	}

	/** bpf_map__reuse_fd before load: map `name` of this object becomes `other` (same type and sizes), so two objects share one map. */
	reuseMap(name: string, other: BpfMap): void {
		check('bpf_map__reuse_fd', lib().bpf_map__reuse_fd(this.mapHandle(name), other.fd), name);
	}

	/**
	 * Why this kernel cannot run `program`, judged from its section before
	 * loading: a tp_btf tracepoint or an fentry/fexit function missing from
	 * the kernel's BTF. undefined when nothing is known against it.
	 */
	unsupported(program: string): string | undefined {
		const [kind, target] = this.program(program).section.split('/', 2);
		if (kind === 'tp_btf' && target && !kernelHasTracepoint(target)) return `kernel has no tracepoint ${target}`;
		if ((kind === 'fentry' || kind === 'fexit') && target && !kernelHasFunction(target)) return `kernel has no function ${target} in BTF`;
		if (kind === 'iter' && target && !kernelHasFunction(`bpf_iter_${target}`)) return `kernel has no ${target} iterator`;
		return undefined;
	}

	/**
	 * bpf_object__load. First leaves out every program this kernel cannot run
	 * (see unsupported(), recorded in `skipped`), so one missing hook does not
	 * fail the whole object. A verifier rejection carries the log's last line.
	 */
	load(): void {
		const obj = this.readyToLoad();
		this.loaded(logged(() => lib().bpf_object__load(obj)));
	}

	/**
	 * load() on one of libuv's worker threads: objects load side by side (the
	 * kernel verifies each on the thread that asked; libbpf parses the
	 * kernel's BTF for each), while the main thread goes on. Nothing else may
	 * use this object until it settles. libbpf's log is quiet meanwhile
	 * (log.ts quiet()): a failure names no program unless a log sink is set;
	 * load() again, on a new object, to know which.
	 */
	async loadAsync(): Promise<void> {
		const obj = this.readyToLoad();
		const done = await loadSlot();
		const loud = quiet();
		try {
			const ret = await new Promise<number>((resolve, reject) => {
				lib().bpf_object__load.async(obj, (error: unknown, value: number) => (error ? reject(error) : resolve(value)));
			});
			this.loaded(ret);
		} finally {
			loud();
			done();
		}
	}

	private readyToLoad(): bigint {
		const obj = this.requireOpen('bpf_object__load');
		for (const [name, p] of this.programs) {
			const why = p.enabled ? this.unsupported(name) : undefined;
			if (why) this.disable(name, why);
		}
		if (![...this.programs.values()].some((p) => p.enabled)) throw new BpfError('bpf_object__load', 95 /* EOPNOTSUPP */, `${this.path}: no program this kernel can run`);
		return obj;
	}

	private loaded(ret: number): void {
		if (ret < 0) {
			const log = recentLogOf((program) => this.programs.has(program));
			// libbpf names the program the kernel refused: "prog 'x': failed to load".
			const program = log.map((line) => /prog '([^']+)': failed to load/.exec(line)?.[1]).filter((p) => p !== undefined).pop();
			const why = log.filter((line) => /BPF program load failed|invalid|R\d+ |unknown func|not allowed/.test(line)).pop();
			throw new BpfError('bpf_object__load', -ret, [program && `program ${program}`, why?.replace(/^libbpf: /, '').trim()].filter(Boolean).join(': ') || this.path, program);
		}
		this.isLoaded = true;
	}

	/**
	 * bpf_program__attach for every loaded program. A failure of a program for
	 * which `optional(name)` is true is recorded in `skipped`; any other failure
	 * detaches what was attached and throws BpfError.
	 */
	attach(optional: (program: string) => boolean = () => false): void {
		if (!this.isLoaded) throw new Error(`${this.path}: attach before load`);
		for (const [name, p] of this.programs) {
			if (!p.enabled || p.section.startsWith('iter/')) continue; // iterators: see iterator()
			const link = lib().bpf_program__attach(p.handle);
			if (link) {
				this.links.push(link);
				continue;
			}
			const error = new BpfError('bpf_program__attach', koffi.errno() || 22, name);
			if (!optional(name)) {
				this.detach();
				throw error;
			}
			this.skipped.push({ program: name, reason: error.message });
		}
	}

	/**
	 * The loaded map `name`. With layouts, checks bpf_map__key_size/value_size
	 * against TypeScript's view of the structs, so a drifted mirror fails at once.
	 */
	map(name: string, key?: Layout, value?: Layout): BpfMap {
		let map = this.maps.get(name);
		if (!map) {
			map = new BpfMap(name, this.mapHandle(name));
			this.maps.set(name, map);
		}
		if (key && key.size !== map.keySize) throw new Error(`${name}: key is ${map.keySize} bytes in the object, ${key.size} in TypeScript (${key.name})`);
		if (value && value.size !== map.valueSize) throw new Error(`${name}: value is ${map.valueSize} bytes in the object, ${value.size} in TypeScript (${value.name})`);
		return map;
	}

	/**
	 * The loaded iterator program `program` (an iter/bpf_sk_storage_map or
	 * other map iterator) bound to `map`: bpf_program__attach_iter with the
	 * map's fd. Its link goes with the object's others (detach, close).
	 */
	iterator(program: string, map: BpfMap): BpfIterator {
		if (!this.isLoaded) throw new Error(`${this.path}: iterator before load`);
		const p = this.program(program);
		if (!p.enabled) throw new Error(`${this.path}: ${program} was not loaded`);
		// union bpf_iter_link_info { struct { __u32 map_fd; } map; ... }
		const info = Uint32Array.of(map.fd);
		const opts = { sz: koffi.sizeof(IterAttachOpts), link_info: info, link_info_len: 4 };
		const link = lib().bpf_program__attach_iter(p.handle, opts);
		if (!link) throw new BpfError('bpf_program__attach_iter', koffi.errno() || 22, program);
		this.links.push(link);
		return new BpfIterator(program, lib().bpf_link__fd(link));
	}

	/** bpf_link__destroy for every link; programs stay loaded until close(). */
	detach(): void {
		while (this.links.length > 0) lib().bpf_link__destroy(this.links.pop()!);
	}

	/** Detaches, then bpf_object__close: programs and maps are freed. Safe to call twice. */
	close(): void {
		if (this.handle === null) return;
		this.detach();
		lib().bpf_object__close(this.handle);
		this.handle = null;
		this.maps.clear();
	}

	private mapHandle(name: string): bigint {
		return checkPtr('bpf_object__find_map_by_name', lib().bpf_object__find_map_by_name(this.requireOpen('bpf_object__find_map_by_name'), name), name);
	}

	private program(name: string) {
		const p = this.programs.get(name);
		if (!p) throw new Error(`${this.path}: no program ${name}`);
		return p;
	}

	private requireOpen(op: string): bigint {
		if (this.handle === null) throw new Error(`${op}: ${this.path} is closed`);
		return this.handle;
	}
}
