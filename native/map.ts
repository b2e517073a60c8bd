// BpfMap: read, drain and delete entries of a loaded map (batch ops where the kernel has them).
import { BpfError, check } from './errors.js';
import { lib } from './libbpf.js';

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

/** libbpf_num_possible_cpus(): how many per-CPU slots a per-CPU value has. */
export function numPossibleCpus(): number {
	possibleCpus ??= check('libbpf_num_possible_cpus', lib().libbpf_num_possible_cpus() as number);
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
	private readonly keys: Buffer;
	private readonly values: Buffer;
	private readonly token: Buffer;

	constructor(
		readonly name: string,
		handle: bigint,
	) {
		const l = lib();
		this.fd = check('bpf_map__fd', l.bpf_map__fd(handle) as number, name);
		this.type = l.bpf_map__type(handle) as number;
		this.keySize = l.bpf_map__key_size(handle) as number;
		this.valueSize = l.bpf_map__value_size(handle) as number;
		this.maxEntries = l.bpf_map__max_entries(handle) as number;
		const percpu = PERCPU_TYPES.has(this.type);
		this.cpus = percpu ? numPossibleCpus() : 1;
		// The kernel lays per-CPU values out 8-byte aligned, one after another.
		this.cpuStride = percpu ? Math.ceil(this.valueSize / 8) * 8 : this.valueSize;
		this.valueStride = this.cpuStride * this.cpus;
		this.keys = Buffer.alloc(this.keySize * this.maxEntries);
		this.values = Buffer.alloc(this.valueStride * this.maxEntries);
		this.token = Buffer.alloc(Math.max(this.keySize, 8));
		if (ARRAY_TYPES.has(this.type)) this.batch = false; // arrays: plain index walk is as cheap
	}

	/**
	 * Every entry, read with bpf_map_lookup_batch (kernel >= 5.6) or, where the
	 * kernel lacks it, bpf_map_get_next_key + bpf_map_lookup_elem. The returned
	 * buffers are reused by the next call: decode before reading again.
	 */
	readAll(): MapEntries {
		return this.read(false);
	}

	/**
	 * Every entry, removed from the map as it is read: bpf_map_lookup_and_delete_batch,
	 * or lookup + delete per key where batch ops are missing. For maps that the
	 * kernel side only inserts into (no in-place updates), so nothing is lost.
	 */
	drain(): MapEntries {
		return this.read(true);
	}

	/** bpf_map_lookup_elem for one key into `value` (valueStride bytes); false when the key is absent. */
	lookup(key: Buffer, value: Buffer): boolean {
		const ret = lib().bpf_map_lookup_elem(this.fd, key, value) as number;
		if (ret === -2 /* ENOENT */) return false;
		check('bpf_map_lookup_elem', ret, this.name);
		return true;
	}

	/** bpf_map_delete_elem; an absent key is not an error. */
	delete(key: Buffer): void {
		const ret = lib().bpf_map_delete_elem(this.fd, key) as number;
		if (ret !== -2) check('bpf_map_delete_elem', ret, this.name);
	}

	private read(andDelete: boolean): MapEntries {
		let count: number;
		if (this.batch !== false) {
			count = this.readBatch(andDelete);
			if (count < 0) {
				this.batch = false;
				count = this.readByKey(andDelete);
			} else {
				this.batch = true;
			}
		} else {
			count = this.readByKey(andDelete);
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

	/** Returns the entry count, or -1 when the kernel has no batch ops for this map. */
	private readBatch(andDelete: boolean): number {
		const l = lib();
		const op = andDelete ? 'bpf_map_lookup_and_delete_batch' : 'bpf_map_lookup_batch';
		const fn = andDelete ? l.bpf_map_lookup_and_delete_batch : l.bpf_map_lookup_batch;
		let total = 0;
		let first = true;
		while (total < this.maxEntries) {
			const count = [this.maxEntries - total];
			const ret = fn(
				this.fd,
				first ? null : this.token,
				this.token,
				this.keys.subarray(total * this.keySize),
				this.values.subarray(total * this.valueStride),
				count,
				null,
			) as number;
			first = false;
			if (ret < 0 && ret !== -2 /* ENOENT: the last batch */) {
				if (total === 0 && (ret === -22 || ret === -95 || ret === -524)) return -1; // EINVAL, EOPNOTSUPP, ENOTSUPP
				throw new BpfError(op, -ret, this.name);
			}
			total += count[0]!;
			if (ret === -2 || count[0] === 0) break;
		}
		return total;
	}

	private readByKey(andDelete: boolean): number {
		const l = lib();
		let count = 0;
		let prev: Buffer | null = null;
		const next = Buffer.alloc(this.keySize);
		while (count < this.maxEntries) {
			const ret = l.bpf_map_get_next_key(this.fd, prev, next) as number;
			if (ret === -2) break;
			check('bpf_map_get_next_key', ret, this.name);
			const key = this.keys.subarray(count * this.keySize, (count + 1) * this.keySize);
			next.copy(key);
			const value = this.values.subarray(count * this.valueStride, (count + 1) * this.valueStride);
			if (this.lookup(key, value)) count++;
			prev = key;
		}
		if (andDelete) for (let i = 0; i < count; i++) this.delete(this.keys.subarray(i * this.keySize, (i + 1) * this.keySize));
		return count;
	}
}
