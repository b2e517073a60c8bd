// SPDX-License-Identifier: GPL-2.0 OR MIT
/* RTT: log2 histograms of the TCP smoothed round-trip time, per flow. */
#include "vmlinux.h"
#include "flow.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Set before load: slots in milliseconds instead of microseconds (tcprtt -m). */
const volatile __u8 targ_ms = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RTT_MAX_FLOWS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64); /* socket cookie */
	__type(value, struct nt_rtt_val);
} rtt_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, CLOSED_RING_BYTES);
} rtt_closed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LOST_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} rtt_lost SEC(".maps");

/*
 * One RTT sample: srtt_us holds 8 times the smoothed RTT (RFC 6298 fixed
 * point). Runs in softirq: the owner comes from sk_owner, not the current task.
 */
static __always_inline int on_segment(struct sock *sk)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	__u32 srtt = BPF_CORE_READ(tp, srtt_us) >> 3;

	if (!srtt)
		return 0; /* no RTT sample yet */
	if (targ_ms)
		srtt /= 1000;

	__u64 cookie = bpf_get_socket_cookie(sk);
	struct nt_rtt_val *val = bpf_map_lookup_elem(&rtt_flows, &cookie);
	if (!val) {
		struct nt_rtt_val init = {};
		flow_id_of(&sk->__sk_common, &init.id);
		bpf_map_update_elem(&rtt_flows, &cookie, &init, BPF_NOEXIST);
		val = bpf_map_lookup_elem(&rtt_flows, &cookie);
		if (!val) {
			count_lost(&rtt_lost, LOST_ENTRY);
			return 0;
		}
	}
	if (!val->pid) {
		/* Learn the owner once it has been stamped (first send/receive). */
		struct nt_sock_owner *owner = owner_of(sk);
		if (owner && owner->pid) {
			__builtin_memcpy(val->comm, owner->comm, sizeof(val->comm));
			val->pid = owner->pid;
		}
	}

	__u32 slot = log2_u32(srtt);
	if (slot >= RTT_SLOTS)
		slot = RTT_SLOTS - 1;
	__sync_fetch_and_add(&val->slots[slot], 1);
	__sync_fetch_and_add(&val->count, 1);
	__sync_fetch_and_add(&val->sum, srtt);
	return 0;
}

/*
 * tcp_probe fires at the top of tcp_rcv_established(), once per segment
 * received on an established connection: the hook tcprtt uses, as a stable
 * tracepoint.
 */
SEC("tp_btf/tcp_probe")
int BPF_PROG(nt_rtt, struct sock *sk, struct sk_buff *skb)
{
	return on_segment(sk);
}

/* Kernels without tcp_probe: the function itself, as tcprtt's fentry twin. */
SEC("fentry/tcp_rcv_established")
int BPF_PROG(nt_rtt_fe, struct sock *sk, struct sk_buff *skb)
{
	return on_segment(sk);
}

CLOSED_PROGRAMS(nt_rtt_closed, nt_rtt_clos_fe, rtt_closed, rtt_lost)
OWNER_PROGRAMS(nt_rtt_own_tx, nt_rtt_own_rx, nt_rtt_own_st)
