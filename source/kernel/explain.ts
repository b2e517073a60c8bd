// Turns a low-level failure into the one line a user can act on.
import { readFileSync } from 'node:fs';

const CAP_SYS_ADMIN = 21n;
const CAP_PERFMON = 38n;
const CAP_BPF = 39n;

/**
 * Whether this process holds what loading tracing programs needs: CAP_BPF
 * and CAP_PERFMON, or CAP_SYS_ADMIN (kernels before 5.8). Read from the
 * effective set in /proc/self/status, so "root without capabilities" counts as no.
 */
function canLoadBpf(): boolean {
	try {
		const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
		if (!hex) return process.geteuid?.() === 0;
		const caps = BigInt(`0x${hex}`);
		const has = (bit: bigint) => ((caps >> bit) & 1n) === 1n;
		return has(CAP_SYS_ADMIN) || (has(CAP_BPF) && has(CAP_PERFMON));
	} catch {
		return process.geteuid?.() === 0;
	}
}

/**
 * The message for the user: what failed and what to do about it, when we
 * know. `privileged`: whether nettop holds the capabilities BPF needs.
 */
export function explain(message: string, privileged = canLoadBpf()): string {
	if (/btf__load_vmlinux_btf/.test(message)) {
		return `this kernel has no BTF (/sys/kernel/btf/vmlinux): nettop needs a kernel built with CONFIG_DEBUG_INFO_BTF (${message})`;
	}
	// A program or hook the kernel refused is not a matter of privileges.
	if (/\bEPERM\b|\bEACCES\b/.test(message) && !/program \S+: |^no way to hook /.test(message)) {
		return privileged
			? `the kernel refused to load BPF programs although nettop has the capabilities: kernel lockdown or a security policy may forbid BPF (${message})`
			: `not permitted to load BPF programs: run as root (sudo nettop) or with CAP_BPF and CAP_PERFMON (${message})`;
	}
	return message;
}
