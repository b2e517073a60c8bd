// Turns a low-level failure into the one line a user can act on.

/** The message for the user: what failed, and what to do about it when we know. */
export function explain(message: string): string {
	if (/\bEPERM\b|\bEACCES\b/.test(message)) {
		return `not permitted to load BPF programs: run as root (sudo nettop) or with CAP_BPF and CAP_PERFMON (${message})`;
	}
	if (/btf__load_vmlinux_btf/.test(message)) {
		return `this kernel has no BTF (/sys/kernel/btf/vmlinux): nettop needs a kernel built with CONFIG_DEBUG_INFO_BTF (${message})`;
	}
	return message;
}
