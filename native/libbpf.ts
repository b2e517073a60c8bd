// Typed koffi bindings to libbpf.so.1 and the few libc calls nettop needs; the only file that loads them.
import koffi from 'koffi';

/** A C pointer as koffi 3 returns it: a bigint address, or null for NULL. */
export type Ptr = bigint | null;
/** A non-NULL pointer, once checked (errors.ts checkPtr). */
type Handle = bigint;
/** Bytes a C function reads or writes: koffi passes their memory. */
type Bytes = Buffer | Uint8Array | Uint32Array | null;
/** A `_Out_`/`_Inout_` scalar: koffi reads and writes element 0. */
type Cell = number[];

/** struct bpf_iter_attach_opts: link_info points at a union bpf_iter_link_info (for a map: its fd, a u32). */
export interface IterAttachOptions {
	readonly sz: number;
	readonly link_info: Uint32Array;
	readonly link_info_len: number;
}

/** The C functions nettop calls, as TypeScript sees them: call sites need no casts. */
export interface Libbpf {
	// objects and programs
	bpf_object__open_file(path: string, opts: null): Ptr;
	/** `.async` runs it on a worker thread (koffi), `done` on the main thread. */
	bpf_object__load: ((obj: Handle) => number) & { async(obj: Handle, done: (error: unknown, ret: number) => void): void };
	bpf_object__close(obj: Handle): void;
	bpf_object__btf(obj: Handle): Ptr;
	bpf_object__next_program(obj: Handle, prog: Ptr): Ptr;
	bpf_object__next_map(obj: Handle, map: Ptr): Ptr;
	bpf_object__find_map_by_name(obj: Handle, name: string): Ptr;
	bpf_program__name(prog: Handle): string;
	bpf_program__section_name(prog: Handle): string;
	bpf_program__set_autoload(prog: Handle, autoload: boolean): number;
	bpf_program__attach(prog: Handle): Ptr;
	bpf_program__attach_iter(prog: Handle, opts: IterAttachOptions): Ptr;
	bpf_link__destroy(link: Handle): number;
	bpf_link__fd(link: Handle): number;
	bpf_program__fd(prog: Handle): number;
	/** Fills `info` (struct bpf_prog_info for a program's fd) up to `len[0]` bytes. */
	bpf_obj_get_info_by_fd(fd: number, info: Uint8Array, len: number[]): number;
	bpf_iter_create(linkFd: number): number;
	/** A program from raw instructions (probe.ts): its fd, or -errno. `opts` is a struct bpf_prog_load_opts. */
	bpf_prog_load(type: number, name: string, license: string, insns: Uint8Array, count: number, opts: Uint8Array): number;
	// maps
	bpf_map__name(map: Handle): string;
	bpf_map__fd(map: Handle): number;
	bpf_map__type(map: Handle): number;
	bpf_map__key_size(map: Handle): number;
	bpf_map__value_size(map: Handle): number;
	bpf_map__max_entries(map: Handle): number;
	bpf_map__set_max_entries(map: Handle, maxEntries: number): number;
	bpf_map__reuse_fd(map: Handle, fd: number): number;
	bpf_map__initial_value(map: Handle, size: Cell): Ptr;
	bpf_map_lookup_elem(fd: number, key: Bytes, value: Bytes): number;
	bpf_map_delete_elem(fd: number, key: Bytes): number;
	bpf_map_update_elem(fd: number, key: Bytes, value: Bytes, flags: number): number;
	bpf_map_get_next_key(fd: number, key: Bytes, next: Bytes): number;
	bpf_map_lookup_batch(fd: number, inBatch: Bytes, outBatch: Bytes, keys: Bytes, values: Bytes, count: Cell, opts: null): number;
	bpf_map_lookup_and_delete_batch(fd: number, inBatch: Bytes, outBatch: Bytes, keys: Bytes, values: Bytes, count: Cell, opts: null): number;
	bpf_map_delete_batch(fd: number, keys: Bytes, count: Cell, opts: null): number;
	libbpf_num_possible_cpus(): number;
	// BTF
	btf__load_vmlinux_btf: (() => Ptr) & { async(done: (error: unknown, btf: Ptr) => void): void };
	btf__free(btf: Handle): void;
	btf__find_by_name_kind(btf: Handle, name: string, kind: number): number;
	btf__type_by_id(btf: Handle, id: number): Handle;
	btf__name_by_offset(btf: Handle, offset: number): string;
	// ring buffers; the callback is a registered nettop_ring_buffer_sample_fn
	ring_buffer__new(mapFd: number, callback: Handle, ctx: null, opts: null): Ptr;
	ring_buffer__consume(rb: Handle): number;
	ring_buffer__free(rb: Handle): void;
	// logging; the callback is a registered nettop_libbpf_print_fn
	libbpf_set_print(fn: Handle): Ptr;
	/** libc's abs(), as a print function that does nothing: libbpf ignores what it returns (log.ts). */
	readonly quietPrint: Handle;
	vsnprintf(buf: Buffer, size: number, fmt: Handle, args: Handle): number;
	// libc: iterator reads, and maps created BPF_F_MMAPABLE, read and written in place
	read(fd: number, buf: Buffer, count: number): number | bigint;
	close(fd: number): number;
	mmap(addr: null, length: number, prot: number, flags: number, fd: number, offset: number): Ptr;
	munmap(addr: Handle, length: number): number;
	/** Copies a ring's record out (native/ringbuf.ts); `dst` is a Buffer's memory. */
	memcpy(dst: Buffer, src: Handle, n: number): unknown;
	/** Gives memory malloc holds free back to the kernel, in every arena (the worker threads' too). */
	malloc_trim(pad: number): number;
	/** Moves the calling thread into the namespace open at `fd` (native/netns.ts). */
	setns(fd: number, nstype: number): number;
}

function openLibrary(names: string[]): ReturnType<typeof koffi.load> {
	let last: unknown;
	for (const name of names) {
		try {
			return koffi.load(name);
		} catch (error) {
			last = error;
		}
	}
	const reason = last instanceof Error ? last.message.split('\n')[0] : String(last);
	throw new LibraryMissingError(`cannot load libbpf.so.1 (install the libbpf1 package): ${reason}`);
}

export class LibraryMissingError extends Error {
	override name = 'LibraryMissingError';
}

let bound: Libbpf | undefined;

/** The libbpf functions, bound on first use so that importing this file never throws. */
export function lib(): Libbpf {
	bound ??= bind();
	return bound;
}

export const PrintFn = koffi.proto('int nettop_libbpf_print_fn(int level, void *fmt, void *args)');
export const SampleFn = koffi.proto('int nettop_ring_buffer_sample_fn(void *ctx, void *data, size_t size)');
export const IterAttachOpts = koffi.struct('nettop_bpf_iter_attach_opts', { sz: 'size_t', link_info: 'void *', link_info_len: 'uint32_t' });

function bind(): Libbpf {
	const libbpf = openLibrary([process.env.NETTOP_LIBBPF ?? 'libbpf.so.1']);
	const libc = openLibrary(['libc.so.6']);
	const f = (proto: string) => libbpf.func(proto);
	const c = (proto: string) => libc.func(proto);
	const functions = {
		bpf_object__open_file: f('void *bpf_object__open_file(const char *path, void *opts)'),
		bpf_object__load: f('int bpf_object__load(void *obj)'),
		bpf_object__close: f('void bpf_object__close(void *obj)'),
		bpf_object__btf: f('void *bpf_object__btf(void *obj)'),
		bpf_object__next_program: f('void *bpf_object__next_program(void *obj, void *prog)'),
		bpf_object__next_map: f('void *bpf_object__next_map(void *obj, void *map)'),
		bpf_object__find_map_by_name: f('void *bpf_object__find_map_by_name(void *obj, const char *name)'),
		bpf_program__name: f('const char *bpf_program__name(void *prog)'),
		bpf_program__section_name: f('const char *bpf_program__section_name(void *prog)'),
		bpf_program__set_autoload: f('int bpf_program__set_autoload(void *prog, bool autoload)'),
		bpf_program__attach: f('void *bpf_program__attach(void *prog)'),
		bpf_program__attach_iter: f('void *bpf_program__attach_iter(void *prog, const nettop_bpf_iter_attach_opts *opts)'),
		bpf_link__destroy: f('int bpf_link__destroy(void *link)'),
		bpf_link__fd: f('int bpf_link__fd(void *link)'),
		bpf_program__fd: f('int bpf_program__fd(void *prog)'),
		bpf_obj_get_info_by_fd: f('int bpf_obj_get_info_by_fd(int fd, _Inout_ uint8_t *info, _Inout_ uint32_t *len)'),
		bpf_iter_create: f('int bpf_iter_create(int link_fd)'),
		bpf_prog_load: f('int bpf_prog_load(int type, const char *name, const char *license, const uint8_t *insns, size_t count, const uint8_t *opts)'),
		bpf_map__name: f('const char *bpf_map__name(void *map)'),
		bpf_map__fd: f('int bpf_map__fd(void *map)'),
		bpf_map__type: f('int bpf_map__type(void *map)'),
		bpf_map__key_size: f('uint32_t bpf_map__key_size(void *map)'),
		bpf_map__value_size: f('uint32_t bpf_map__value_size(void *map)'),
		bpf_map__max_entries: f('uint32_t bpf_map__max_entries(void *map)'),
		bpf_map__set_max_entries: f('int bpf_map__set_max_entries(void *map, uint32_t max_entries)'),
		bpf_map__reuse_fd: f('int bpf_map__reuse_fd(void *map, int fd)'),
		bpf_map__initial_value: f('void *bpf_map__initial_value(void *map, _Out_ size_t *psize)'),
		bpf_map_lookup_elem: f('int bpf_map_lookup_elem(int fd, void *key, void *value)'),
		bpf_map_delete_elem: f('int bpf_map_delete_elem(int fd, void *key)'),
		bpf_map_update_elem: f('int bpf_map_update_elem(int fd, void *key, void *value, uint64_t flags)'),
		bpf_map_get_next_key: f('int bpf_map_get_next_key(int fd, void *key, void *next_key)'),
		bpf_map_lookup_batch: f('int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values, _Inout_ uint32_t *count, void *opts)'),
		bpf_map_lookup_and_delete_batch: f(
			'int bpf_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values, _Inout_ uint32_t *count, void *opts)',
		),
		bpf_map_delete_batch: f('int bpf_map_delete_batch(int fd, void *keys, _Inout_ uint32_t *count, void *opts)'),
		libbpf_num_possible_cpus: f('int libbpf_num_possible_cpus()'),
		btf__load_vmlinux_btf: f('void *btf__load_vmlinux_btf()'),
		btf__free: f('void btf__free(void *btf)'),
		btf__find_by_name_kind: f('int32_t btf__find_by_name_kind(void *btf, const char *name, uint32_t kind)'),
		btf__type_by_id: f('void *btf__type_by_id(void *btf, uint32_t id)'),
		btf__name_by_offset: f('const char *btf__name_by_offset(void *btf, uint32_t offset)'),
		ring_buffer__new: f('void *ring_buffer__new(int map_fd, nettop_ring_buffer_sample_fn *cb, void *ctx, void *opts)'),
		ring_buffer__consume: f('int ring_buffer__consume(void *rb)'),
		ring_buffer__free: f('void ring_buffer__free(void *rb)'),
		libbpf_set_print: f('void *libbpf_set_print(nettop_libbpf_print_fn *fn)'),
		vsnprintf: c('int vsnprintf(_Out_ uint8_t *buf, size_t size, void *fmt, void *args)'),
		read: c('long read(int fd, void *buf, size_t count)'),
		close: c('int close(int fd)'),
		mmap: c('void *mmap(void *addr, size_t length, int prot, int flags, int fd, long offset)'),
		munmap: c('int munmap(void *addr, size_t length)'),
		memcpy: c('void *memcpy(void *dst, void *src, size_t n)'),
		setns: c('int setns(int fd, int nstype)'),
		malloc_trim: c('int malloc_trim(size_t pad)'),
		quietPrint: libc.symbol('abs') as bigint,
	} satisfies Record<keyof Libbpf, unknown>;
	// koffi types every bound function loosely; the interface above says what each takes and gives.
	return functions as unknown as Libbpf;
}

export { koffi };
