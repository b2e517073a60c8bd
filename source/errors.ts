// Turns a low-level failure into the one line a user can act on.

/**
 * The message for the user: what failed and what to do about it, when we
 * know. `root`: whether nettop runs with euid 0.
 */
export function explain(message: string, root = process.geteuid?.() === 0): string {
	if (/btf__load_vmlinux_btf/.test(message)) {
		return `this kernel has no BTF (/sys/kernel/btf/vmlinux): nettop needs a kernel built with CONFIG_DEBUG_INFO_BTF (${message})`;
	}
	if (/\bEPERM\b|\bEACCES\b/.test(message) && !/program \S+: /.test(message)) {
		return root
			? `the kernel refused to load BPF programs although nettop runs as root: kernel lockdown or a security policy may forbid BPF (${message})`
			: `not permitted to load BPF programs: run as root (sudo nettop) or with CAP_BPF and CAP_PERFMON (${message})`;
	}
	return message;
}
