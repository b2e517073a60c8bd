// TypeScript's view of a C struct: koffi computes its size and offsets; each feature declares the structs of its <name>.h.
import os from 'node:os';
import { koffi } from './libbpf.js';

/** BPF maps hold host-endian bytes. */
export const LITTLE_ENDIAN = os.endianness() === 'LE';

export type FieldType = 'u8' | 'u16' | 'u32' | 'u64' | 'bytes';

export interface Field {
	readonly offset: number;
	readonly size: number;
	readonly type: FieldType;
}

/** A struct's size and the offset of each field, as plain data (no koffi types leak out). */
export interface Layout<K extends string = string> {
	readonly name: string;
	readonly size: number;
	readonly fields: Readonly<Record<K, Field>>;
}

export type Spec = Exclude<FieldType, 'bytes'> | readonly ['bytes', number];
const C_TYPES: Record<Exclude<FieldType, 'bytes'>, string> = {
	u8: 'uint8_t',
	u16: 'uint16_t',
	u32: 'uint32_t',
	u64: 'uint64_t',
};

/** The layout of C struct `name`, fields in order as in `spec`: a number type, or ['bytes', n] for an array of n bytes. */
export function layout<K extends string>(name: string, spec: Record<K, Spec>): Layout<K> {
	const members: Record<string, unknown> = {};
	for (const [field, type] of Object.entries<Spec>(spec)) {
		members[field] = typeof type === 'string' ? C_TYPES[type] : koffi.array('uint8_t', type[1]);
	}
	const struct = koffi.struct(`nettop_${name}`, members as Record<string, string>);
	const fields = {} as Record<K, Field>;
	for (const [field, type] of Object.entries<Spec>(spec)) {
		const size = typeof type === 'string' ? koffi.sizeof(C_TYPES[type]) : type[1];
		fields[field as K] = { offset: koffi.offsetof(struct, field), size, type: typeof type === 'string' ? type : 'bytes' };
	}
	return { name, size: koffi.sizeof(struct), fields };
}
