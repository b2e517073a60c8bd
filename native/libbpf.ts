// Raw koffi bindings to libbpf.so.1 and the few libc calls nettop needs; the only file that loads them.
import koffi from 'koffi';

/** A C pointer as koffi 3 returns it: a bigint address, or null for NULL. */
export type Ptr = bigint | null;

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

let bound: ReturnType<typeof bind> | undefined;

/** The libbpf functions, bound on first use so that importing this file never throws. */
export function lib(): ReturnType<typeof bind> {
	bound ??= bind();
	return bound;
}

export const PrintFn = koffi.proto('int nettop_libbpf_print_fn(int level, void *fmt, void *args)');
export const Timespec = koffi.struct('nettop_timespec', { tv_sec: 'int64_t', tv_nsec: 'long' });
export const SampleFn = koffi.proto('int nettop_ring_buffer_sample_fn(void *ctx, void *data, size_t size)');
/** struct bpf_iter_attach_opts; link_info points at a union bpf_iter_link_info (for a map: its fd, a u32). */
export const IterAttachOpts = koffi.struct('nettop_bpf_iter_attach_opts', { sz: 'size_t', link_info: 'void *', link_info_len: 'uint32_t' });

function bind() {
	const libbpf = openLibrary([process.env.NETTOP_LIBBPF ?? 'libbpf.so.1']);
	const libc = openLibrary(['libc.so.6']);
	const f = (proto: string) => libbpf.func(proto);
	return {
		// objects and programs
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
		bpf_link__destroy: f('int bpf_link__destroy(void *link)'),
		// iterators over a map (iter/bpf_sk_storage_map): opts is struct bpf_iter_attach_opts
		bpf_program__attach_iter: f('void *bpf_program__attach_iter(void *prog, const nettop_bpf_iter_attach_opts *opts)'),
		bpf_link__fd: f('int bpf_link__fd(void *link)'),
		bpf_iter_create: f('int bpf_iter_create(int link_fd)'),
		read: libc.func('long read(int fd, void *buf, size_t count)'),
		close: libc.func('int close(int fd)'),
		// maps
		bpf_map__name: f('const char *bpf_map__name(void *map)'),
		bpf_map__fd: f('int bpf_map__fd(void *map)'),
		bpf_map__type: f('int bpf_map__type(void *map)'),
		bpf_map__key_size: f('uint32_t bpf_map__key_size(void *map)'),
		bpf_map__value_size: f('uint32_t bpf_map__value_size(void *map)'),
		bpf_map__max_entries: f('uint32_t bpf_map__max_entries(void *map)'),
		bpf_map__reuse_fd: f('int bpf_map__reuse_fd(void *map, int fd)'),
		bpf_map__initial_value: f('void *bpf_map__initial_value(void *map, _Out_ size_t *psize)'),
		bpf_map_lookup_elem: f('int bpf_map_lookup_elem(int fd, void *key, void *value)'),
		bpf_map_delete_elem: f('int bpf_map_delete_elem(int fd, void *key)'),
		bpf_map_update_elem: f('int bpf_map_update_elem(int fd, void *key, void *value, uint64_t flags)'),
		bpf_map_get_next_key: f('int bpf_map_get_next_key(int fd, void *key, void *next_key)'),
		bpf_map_lookup_batch: f(
			'int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values, _Inout_ uint32_t *count, void *opts)',
		),
		bpf_map_lookup_and_delete_batch: f(
			'int bpf_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values, _Inout_ uint32_t *count, void *opts)',
		),
		bpf_map_delete_batch: f('int bpf_map_delete_batch(int fd, void *keys, _Inout_ uint32_t *count, void *opts)'),
		libbpf_num_possible_cpus: f('int libbpf_num_possible_cpus()'),
		// BTF
		btf__load_vmlinux_btf: f('void *btf__load_vmlinux_btf()'),
		btf__free: f('void btf__free(void *btf)'),
		btf__find_by_name_kind: f('int32_t btf__find_by_name_kind(void *btf, const char *name, uint32_t kind)'),
		btf__type_by_id: f('void *btf__type_by_id(void *btf, uint32_t id)'),
		btf__name_by_offset: f('const char *btf__name_by_offset(void *btf, uint32_t offset)'),
		// ring buffers
		ring_buffer__new: f(
			'void *ring_buffer__new(int map_fd, nettop_ring_buffer_sample_fn *cb, void *ctx, void *opts)',
		),
		ring_buffer__consume: f('int ring_buffer__consume(void *rb)'),
		ring_buffer__free: f('void ring_buffer__free(void *rb)'),
		// logging
		libbpf_set_print: f('void *libbpf_set_print(nettop_libbpf_print_fn *fn)'),
		libbpf_strerror: f('int libbpf_strerror(int err, _Out_ uint8_t *buf, size_t size)'),
		vsnprintf: libc.func('int vsnprintf(_Out_ uint8_t *buf, size_t size, void *fmt, void *args)'),
		// maps created BPF_F_MMAPABLE, read and written in place
		mmap: libc.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, long offset)'),
		munmap: libc.func('int munmap(void *addr, size_t length)'),
		// the benchmarks' clock: CPU time of the calling thread
		clock_gettime: libc.func('int clock_gettime(int clock, _Out_ nettop_timespec *ts)'),
	};
}

const CLOCK_THREAD_CPUTIME_ID = 3;

/** CPU time the calling thread has used, in ms (clock_gettime(CLOCK_THREAD_CPUTIME_ID): exact to the call). */
export function threadCpuMs(): number {
	const ts = { tv_sec: 0, tv_nsec: 0 };
	if (lib().clock_gettime(CLOCK_THREAD_CPUTIME_ID, ts) !== 0) throw new Error('clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed');
	return Number(ts.tv_sec) * 1000 + Number(ts.tv_nsec) / 1e6;
}

export { koffi };
