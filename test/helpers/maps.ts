// Map operations only tests need: lookup-and-delete of every entry, and writing a value.
import { check } from '../../native/errors.js';
import { lib } from '../../native/libbpf.js';
import type { BpfMap, MapEntries } from '../../native/map.js';

/** Every entry of a hash map, removed as it is read (bpf_map_lookup_and_delete_batch, one batch of up to 4096). */
export function drain(map: BpfMap, room = 4096): MapEntries {
	const keys = Buffer.alloc(map.keySize * room);
	const values = Buffer.alloc(map.valueStride * room);
	const token = Buffer.alloc(Math.max(map.keySize, 8));
	const count = [room];
	const ret = lib().bpf_map_lookup_and_delete_batch(map.fd, null, token, keys, values, count, null);
	if (ret !== -2 /* ENOENT: the last batch */) check('bpf_map_lookup_and_delete_batch', ret, map.name);
	return { count: count[0]!, keys, values, keySize: map.keySize, valueStride: map.valueStride, cpuStride: map.cpuStride, cpus: map.cpus };
}

/** bpf_map_update_elem: `value` is valueStride bytes (every CPU's value, for a per-CPU map). */
export function update(map: BpfMap, key: Buffer, value: Buffer): void {
	check('bpf_map_update_elem', lib().bpf_map_update_elem(map.fd, key, value, 0), map.name);
}
