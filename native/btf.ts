// BTF look-ups: does the running kernel have a tracepoint, where does a global variable live.
import { checkPtr } from './errors.js';
import { koffi, lib, type Ptr } from './libbpf.js';
import { LITTLE_ENDIAN as LE } from './layouts.js';
import { quiet } from './log.js';

const BTF_KIND_TYPEDEF = 8;
const BTF_KIND_DATASEC = 15;
const BTF_TYPE_SIZE = 12; // struct btf_type: name_off, info, size/type
const SECINFO_SIZE = 12; // struct btf_var_secinfo: type, offset, size

let vmlinux: bigint | undefined;

/** The kernel's BTF (btf__load_vmlinux_btf), loaded once; throws BpfError when the kernel has none. */
function vmlinuxBtf(): bigint {
	vmlinux ??= checkPtr('btf__load_vmlinux_btf', lib().btf__load_vmlinux_btf());
	return vmlinux;
}

let pending: Promise<void> | undefined;

/**
 * Starts parsing the kernel's BTF on one of libuv's worker threads, for
 * kernelBtfLoaded() to wait on: the parse (12 ms here) then overlaps with
 * nettop's own start (flags, the UI's first frame) instead of holding back
 * the first object's load. A failure is left for vmlinuxBtf() to report.
 */
export function preloadKernelBtf(): void {
	if (vmlinux !== undefined || pending) return;
	pending = new Promise<void>((resolve) => {
		try {
			// Quiet: libbpf would print a failure to stderr before the log is set up (vmlinuxBtf() parses again and says it).
			const loud = quiet();
			lib().btf__load_vmlinux_btf.async((error: unknown, btf: Ptr) => {
				loud();
				if (!error && btf !== null && btf !== 0n) {
					if (vmlinux === undefined) vmlinux = btf;
					else lib().btf__free(btf); // parsed meanwhile by a caller that could not wait
				}
				resolve();
			});
		} catch {
			resolve(); // no libbpf: the first use says so
		}
	});
}

/** Whether the kernel's BTF is parsed and held now (a use would not parse it). */
export const kernelBtfHeld = (): boolean => vmlinux !== undefined;

/** Waits for preloadKernelBtf()'s parse, when one was started. */
export async function kernelBtfLoaded(): Promise<void> {
	await pending;
	pending = undefined;
}

/**
 * Frees the cached kernel BTF (btf__free), then gives malloc's free memory
 * back (malloc_trim): libbpf parsed the kernel's BTF (5-6 MB) once per
 * object, and glibc keeps what it freed for later use otherwise.
 */
export function releaseKernelBtf(): void {
	if (vmlinux !== undefined) lib().btf__free(vmlinux);
	vmlinux = undefined;
	lib().malloc_trim(0);
}

/**
 * Tracepoints, and kernel functions (kfuncs among them), to treat as missing,
 * from $NETTOP_HIDE_TRACEPOINTS and $NETTOP_HIDE_FUNCTIONS (comma separated):
 * how the tests, and anyone curious, see nettop on a kernel without them.
 */
const listed = (v: string | undefined) => new Set((v ?? '').split(',').filter((t) => t !== ''));
const hidden = listed(process.env.NETTOP_HIDE_TRACEPOINTS);
const hiddenFunctions = listed(process.env.NETTOP_HIDE_FUNCTIONS);

/**
 * Whether the running kernel defines tracepoint `name`, as tp_btf needs it:
 * every tracepoint has a `btf_trace_<name>` typedef in vmlinux BTF.
 */
export function kernelHasTracepoint(name: string): boolean {
	if (hidden.has(name)) return false;
	return (lib().btf__find_by_name_kind(vmlinuxBtf(), `btf_trace_${name}`, BTF_KIND_TYPEDEF)) > 0;
}

const BTF_KIND_FUNC = 12;

/** Whether the running kernel's BTF has function `name`, as fentry/fexit and kfunc calls need it. */
export function kernelHasFunction(name: string): boolean {
	return kernelFunctionId(name) !== undefined;
}

/** The BTF id of function `name` in the running kernel's BTF (a tracing program's attach_btf_id), if it has it. */
export function kernelFunctionId(name: string): number | undefined {
	if (hiddenFunctions.has(name)) return undefined;
	const id = lib().btf__find_by_name_kind(vmlinuxBtf(), name, BTF_KIND_FUNC);
	return id > 0 ? id : undefined;
}

const BTF_KIND_STRUCT = 4;

/** Whether the running kernel's BTF has struct `name` (a tracepoint's event class shows in its trace_event_raw_* struct). */
export function kernelHasStruct(name: string): boolean {
	return (lib().btf__find_by_name_kind(vmlinuxBtf(), name, BTF_KIND_STRUCT)) > 0;
}

const BTF_KIND_ENUM = 6;
const BTF_KIND_ENUM64 = 19;

/**
 * The enumerators of the running kernel's enum `name` (as `enum
 * skb_drop_reason`), by value; empty when the kernel has no such enum.
 */
export function kernelEnum(name: string): Map<number, string> {
	const l = lib();
	const btf = vmlinuxBtf();
	const out = new Map<number, string>();
	for (const kind of [BTF_KIND_ENUM, BTF_KIND_ENUM64]) {
		const id = l.btf__find_by_name_kind(btf, name, kind);
		if (id <= 0) continue;
		const { vlen } = typeAt(btf, id);
		const member = kind === BTF_KIND_ENUM ? 8 : 12; // struct btf_enum: name_off, val; btf_enum64: name_off, val_lo32, val_hi32
		const view = new DataView(koffi.view(l.btf__type_by_id(btf, id), BTF_TYPE_SIZE + vlen * member));
		for (let i = 0; i < vlen; i++) {
			const at = BTF_TYPE_SIZE + i * member;
			const value = kind === BTF_KIND_ENUM ? view.getUint32(at + 4, LE) : view.getUint32(at + 8, LE) * 2 ** 32 + view.getUint32(at + 4, LE);
			if (!out.has(value)) out.set(value, l.btf__name_by_offset(btf, view.getUint32(at, LE)));
		}
		return out;
	}
	return out;
}

const BTF_KIND_FUNC_PROTO = 13;

/**
 * How many arguments tracepoint `name` passes on this kernel (its
 * btf_trace_<name> typedef: pointer to a prototype whose first parameter is
 * the context), or undefined when the kernel lacks it. Tracepoints do gain
 * arguments (tcp_retransmit_skb got `err`), and a tp_btf program that reads
 * one the kernel lacks is refused by the verifier.
 */
export function kernelTracepointArgs(name: string): number | undefined {
	const l = lib();
	const btf = vmlinuxBtf();
	const id = l.btf__find_by_name_kind(btf, `btf_trace_${name}`, BTF_KIND_TYPEDEF);
	if (id <= 0) return undefined;
	let type = typeAt(btf, id);
	for (let hops = 0; hops < 4 && type.kind !== BTF_KIND_FUNC_PROTO; hops++) type = typeAt(btf, type.ref);
	return type.kind === BTF_KIND_FUNC_PROTO ? type.vlen - 1 : undefined;
}

function typeAt(btf: bigint, id: number): { kind: number; vlen: number; ref: number } {
	const view = new DataView(koffi.view(lib().btf__type_by_id(btf, id), BTF_TYPE_SIZE));
	const info = view.getUint32(4, LE);
	return { kind: (info >> 24) & 0x1f, vlen: info & 0xffff, ref: view.getUint32(8, LE) };
}

/** Offset and size of global variable `name` inside data section `section` of an object's BTF. */
export function findSectionVariable(btf: bigint, section: string, name: string): { offset: number; size: number } | undefined {
	const l = lib();
	const id = l.btf__find_by_name_kind(btf, section, BTF_KIND_DATASEC);
	if (id <= 0) return undefined;
	const type = l.btf__type_by_id(btf, id);
	const head = new DataView(koffi.view(type, BTF_TYPE_SIZE));
	const vlen = head.getUint32(4, LE) & 0xffff;
	const infos = new DataView(koffi.view(type + BigInt(BTF_TYPE_SIZE), vlen * SECINFO_SIZE));
	for (let i = 0; i < vlen; i++) {
		const varId = infos.getUint32(i * SECINFO_SIZE, LE);
		const varType = l.btf__type_by_id(btf, varId);
		const nameOff = new DataView(koffi.view(varType, 4)).getUint32(0, LE);
		if (l.btf__name_by_offset(btf, nameOff) === name) {
			return { offset: infos.getUint32(i * SECINFO_SIZE + 4, LE), size: infos.getUint32(i * SECINFO_SIZE + 8, LE) };
		}
	}
	return undefined;
}
