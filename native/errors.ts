// BpfError and check(): every libbpf call's failure becomes one typed error naming the call and errno.
import { koffi, type Ptr } from './libbpf.js';

const errnoNames = new Map<number, string>();
for (const [name, value] of Object.entries(koffi.os.errno)) {
	if (!errnoNames.has(value)) errnoNames.set(value, name);
}

/** The symbolic name of an errno value, e.g. 1 -> "EPERM". */
export function errnoName(errno: number): string {
	return errnoNames.get(errno) ?? `errno ${errno}`;
}

/** A libbpf call failed: `op` is the libbpf function, `code` the errno name, `errno` its number. */
export class BpfError extends Error {
	override name = 'BpfError';
	readonly code: string;

	constructor(
		readonly op: string,
		readonly errno: number,
		detail?: string,
		/** The BPF program the failure is about, when libbpf said. */
		readonly program?: string,
	) {
		const code = errnoName(errno);
		super(`${op}: ${code}${detail ? ` (${detail})` : ''}`);
		this.code = code;
	}
}

/** libbpf 1.x returns -errno on failure: throw a BpfError for a negative `ret`, else return it. */
export function check(op: string, ret: number, detail?: string): number {
	if (ret < 0) throw new BpfError(op, -ret, detail);
	return ret;
}

/** libbpf 1.x returns NULL and sets errno on failure: throw a BpfError for NULL, else return the pointer. */
export function checkPtr(op: string, ptr: Ptr, detail?: string): bigint {
	if (ptr === null || ptr === 0n) throw new BpfError(op, koffi.errno() || 22 /* EINVAL */, detail);
	return ptr;
}
