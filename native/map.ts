// BpfMap: read and delete entries of a loaded map (batch ops where the kernel has them), or map its values in place.
import { BpfError, check } from './errors.js';
import { koffi, lib } from './libbpf.js';

const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;
const MAP_FAILED = 2n ** 64n - 1n;

/** A map's values mapped into this process (BpfMap.mmap); unmap() before the map is closed. */
export interface MappedValues {
	readonly buffer: ArrayBuffer;
	/** Bytes from one value to the next. */
	readonly stride: number;
	unmap(): void;
}

/** BPF map types whose values are per CPU (enum bpf_map_type). */
const PERCPU_TYPES = new Set([5 /* PERCPU_HASH */, 6 /* PERCPU_ARRAY */, 10 /* LRU_PERCPU_HASH */]);
const ARRAY_TYPES = new Set([2 /* ARRAY */, 6 /* PERCPU_ARRAY */]);

/** What one read returned: `count` entries, key i at keys[i*keySize], value i at values[i*valueStride]. */
export interface MapEntries {
	readonly count: number;
	readonly keys: Buffer;
	readonly values: Buffer;
	readonly keySize: number;
	/** Bytes per entry in `values`; for per-CPU maps, `cpus` slots of `cpuStride` bytes. */
	readonly valueStride: number;
	readonly cpuStride: number;
	readonly cpus: number;
}

let possibleCpus: number | undefined;
const INITIAL_CAPACITY = 1024;

/** libbpf_num_possible_cpus(): how many per-CPU slots a per-CPU value has. */
function numPossibleCpus(): number {
	possibleCpus ??= check('libbpf_num_possible_cpus', lib().libbpf_num_possible_cpus());
	return possibleCpus;
}

export class BpfMap {
	readonly fd: number;
	readonly type: number;
	readonly keySize: number;
	readonly valueSize: number;
	readonly maxEntries: number;
	readonly cpus: number;
	readonly cpuStride: number;
	readonly valueStride: number;
	/** undefined until the first batch call tells whether the kernel supports it. */
	private batch: boolean | undefined;
	/** Room for this many entries in keys/values; grows (doubling) up to maxEntries. */
	private capacity: number;
	private keys: Buffer;
	private values: Buffer;
	private readonly token: Buffer;

	constructor(
		readonly name: string,
		handle: bigint,
	) {
		const l = lib();
		this.fd = check('bpf_map__fd', l.bpf_map__fd(handle), name);
		this.type = l.bpf_map__type(handle);
		this.keySize = l.bpf_map__key_size(handle);
		this.valueSize = l.bpf_map__value_size(handle);
		this.maxEntries = l.bpf_map__max_entries(handle);
		const percpu = PERCPU_TYPES.has(this.type);
		this.cpus = percpu ? numPossibleCpus() : 1;
		// The kernel lays per-CPU values out 8-byte aligned, one after another.
		this.cpuStride = percpu ? Math.ceil(this.valueSize / 8) * 8 : this.valueSize;
		this.valueStride = this.cpuStride * this.cpus;
		// Buffers start small and grow with the map: a 128k-entry map that holds
		// a few hundred entries must not cost its full size in every process.
		this.capacity = Math.min(this.maxEntries, INITIAL_CAPACITY);
		this.keys = Buffer.alloc(this.keySize * this.capacity);
		this.values = Buffer.alloc(this.valueStride * this.capacity);
		this.token = Buffer.alloc(Math.max(this.keySize, 8));
	}

	/**
	 * Every entry, read with bpf_map_lookup_batch (kernel >= 5.6) or, where the
	 * kernel lacks it, bpf_map_get_next_key + bpf_map_lookup_elem. The returned
	 * buffers are reused by the next call: decode before reading again.
	 */
	readAll(): MapEntries {
		let count: number;
		if (this.batch !== false) {
			count = this.readBatch();
			if (count < 0) {
				this.batch = false;
				count = this.readByKey();
			} else {
				this.batch = true;
			}
		} else {
			count = this.readByKey();
		}
		return {
			count,
			keys: this.keys,
			values: this.values,
			keySize: this.keySize,
			valueStride: this.valueStride,
			cpuStride: this.cpuStride,
			cpus: this.cpus,
		};
	}

	/**
	 * The values of an ARRAY map created BPF_F_MMAPABLE, mapped into this
	 * process: reads and writes go straight to the kernel's memory, with no
	 * syscall and no copy. Value i is at i * round_up(valueSize, 8). Only the
	 * first `entries` values are mapped: the mapping costs resident memory
	 * for all it covers.
	 */
	mmap(entries = this.maxEntries): MappedValues {
		if (!ARRAY_TYPES.has(this.type) || this.cpus !== 1) throw new BpfError('mmap', 22 /* EINVAL */, this.name);
		const stride = Math.ceil(this.valueSize / 8) * 8;
		const bytes = stride * Math.min(entries, this.maxEntries); // the kernel rounds the mapping up to whole pages
		const l = lib();
		const addr = l.mmap(null, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, this.fd, 0);
		if (addr === null || addr === MAP_FAILED) throw new BpfError('mmap', koffi.errno(), this.name);
		let mapped = true;
		return {
			buffer: koffi.view(addr, bytes),
			stride,
			unmap: () => {
				if (mapped) l.munmap(addr, bytes);
				mapped = false;
			},
		};
	}

	/** bpf_map_lookup_elem for one key into `value` (valueStride bytes); false when the key is absent. */
	lookup(key: Buffer, value: Buffer): boolean {
		const ret = lib().bpf_map_lookup_elem(this.fd, key, value);
		if (ret === -2 /* ENOENT */) return false;
		check('bpf_map_lookup_elem', ret, this.name);
		return true;
	}

	/** bpf_map_update_elem, BPF_ANY: `value` is valueStride bytes (a per-CPU map's: each CPU's value in turn, cpuStride apart). */
	update(key: Buffer, value: Buffer): void {
		check('bpf_map_update_elem', lib().bpf_map_update_elem(this.fd, key, value, 0), this.name);
	}

	/** bpf_map_delete_elem; an absent key is not an error. True when this call deleted it. */
	delete(key: Buffer): boolean {
		const ret = lib().bpf_map_delete_elem(this.fd, key);
		if (ret === -2) return false;
		check('bpf_map_delete_elem', ret, this.name);
		return true;
	}

	/**
	 * Deletes `count` keys laid out back to back in `keys`: one
	 * bpf_map_delete_batch call (kernel >= 5.6), else one delete per key.
	 * Absent keys are skipped.
	 */
	deleteMany(keys: Buffer, count: number): void {
		let done = 0;
		while (done < count && this.batch !== false) {
			const n = [count - done];
			const ret = lib().bpf_map_delete_batch(this.fd, keys.subarray(done * this.keySize), n, null);
			done += n[0]!;
			if (ret === 0) return;
			if (ret === -2) done++; // stopped at an absent key: skip it, go on
			else if (done === 0 && (ret === -22 || ret === -95 || ret === -524)) break; // no batch ops here
			else check('bpf_map_delete_batch', ret, this.name);
		}
		for (; done < count; done++) this.delete(keys.subarray(done * this.keySize, (done + 1) * this.keySize));
	}

	/** Makes room for at least `entries` entries, keeping what the first `keep` hold. */
	private grow(entries: number, keep: number): void {
		if (entries <= this.capacity) return;
		this.capacity = Math.min(this.maxEntries, Math.max(entries, this.capacity * 2));
		const keys = Buffer.alloc(this.keySize * this.capacity);
		const values = Buffer.alloc(this.valueStride * this.capacity);
		this.keys.copy(keys, 0, 0, keep * this.keySize);
		this.values.copy(values, 0, 0, keep * this.valueStride);
		this.keys = keys;
		this.values = values;
	}

	/** Returns the entry count, or -1 when the kernel has no batch ops for this map. */
	private readBatch(): number {
		const l = lib();
		let total = 0;
		let first = true;
		while (total < this.maxEntries) {
			if (total === this.capacity) this.grow(total + 1, total);
			const count = [this.capacity - total];
			const ret = l.bpf_map_lookup_batch(
				this.fd,
				first ? null : this.token,
				this.token,
				this.keys.subarray(total * this.keySize),
				this.values.subarray(total * this.valueStride),
				count,
				null,
			);
			if (ret === -28 /* ENOSPC: a hash bucket holds more than the room left */ && this.capacity < this.maxEntries) {
				this.grow(this.capacity * 2, total);
				continue;
			}
			first = false;
			if (ret < 0 && ret !== -2 /* ENOENT: the last batch */) {
				if (total === 0 && (ret === -22 || ret === -95 || ret === -524)) return -1; // EINVAL, EOPNOTSUPP, ENOTSUPP
				throw new BpfError('bpf_map_lookup_batch', -ret, this.name);
			}
			total += count[0]!;
			if (ret === -2) break;
		}
		return total;
	}

	private readByKey(): number {
		const l = lib();
		let count = 0;
		let prev: Buffer | null = null;
		const next = Buffer.alloc(this.keySize);
		while (count < this.maxEntries) {
			const ret = l.bpf_map_get_next_key(this.fd, prev, next);
			if (ret === -2) break;
			check('bpf_map_get_next_key', ret, this.name);
			if (count === this.capacity) this.grow(count + 1, count);
			const key = this.keys.subarray(count * this.keySize, (count + 1) * this.keySize);
			next.copy(key);
			const value = this.values.subarray(count * this.valueStride, (count + 1) * this.valueStride);
			if (this.lookup(key, value)) count++;
			prev = key;
		}
		return count;
	}
}
