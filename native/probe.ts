// Whether the kernel loads a kind of tracing program at all, asked with a program of two instructions rather than a whole object.
import { kernelFunctionId } from './btf.js';
import { errnoName } from './errors.js';
import { koffi, lib } from './libbpf.js';

const BPF_PROG_TYPE_TRACING = 26;
/** enum bpf_attach_type (include/uapi/linux/bpf.h). */
const ATTACH: Readonly<Record<string, number>> = { fentry: 24, fexit: 25, iter: 28 };
/** r0 = 0; exit. */
const RETURN_ZERO = Uint8Array.of(0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0);
/** struct bpf_prog_load_opts up to attach_btf_obj_fd (libbpf 1.0+), padded: sz, attempts, expected_attach_type, ..., attach_btf_id at 32. */
const OPTS_SIZE = 48;

/**
 * Why the kernel refuses every program of `kind` (iter, fentry, fexit) for
 * its permissions, or undefined when it loaded the probe or failed it for
 * another reason (then the object's own load decides). `target` is the
 * section's target (for iter/bpf_sk_storage_map: bpf_sk_storage_map). A
 * policy that refuses a kind (a security module, lockdown) refuses the
 * smallest program of it as it does a whole object, at a fraction of the time.
 */
export function kindRefusal(kind: string, target: string): string | undefined {
	const attach = ATTACH[kind];
	if (attach === undefined) return undefined;
	const id = kernelFunctionId(kind === 'iter' ? `bpf_iter_${target}` : target);
	if (id === undefined) return undefined;
	const opts = new Uint8Array(OPTS_SIZE);
	const view = new DataView(opts.buffer);
	view.setBigUint64(0, BigInt(OPTS_SIZE), true);
	view.setUint32(12, attach, true);
	view.setUint32(32, id, true);
	const fd = lib().bpf_prog_load(BPF_PROG_TYPE_TRACING, 'nt_probe', 'GPL', RETURN_ZERO, 2, opts);
	if (fd >= 0) {
		lib().close(fd);
		return undefined;
	}
	const errno = -fd || koffi.errno();
	return errno === 1 /* EPERM */ ? `the kernel refused ${kind} programs (${errnoName(errno)})` : undefined;
}
