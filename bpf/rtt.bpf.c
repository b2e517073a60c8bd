// SPDX-License-Identifier: GPL-2.0 OR MIT
/* RTT: log2 histograms of the TCP smoothed round-trip time, per flow. */
#include "vmlinux.h"
#include "rtt.h"
#include "flow.bpf.h"
#include "owner.bpf.h"
#include "slots.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/*
 * A kfunc (Linux 6.2+) the verifier turns into a plain move: the socket as
 * a tcp_sock, with no call at run time. Weak: on older kernels the object
 * loads without it, and nettop leaves out nt_rtt, the program that uses it.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* Set before load: slots in milliseconds instead of microseconds (tcprtt -m). */
const volatile __u8 targ_ms = 0;

SLOT_TABLE(rtt, struct nt_rtt_val, RTT_MAX_FLOWS)

LOST_COUNTERS(rtt_lost)

/* cookie -> slot hints for the per-segment path. */
HINT_ARRAY(rtt_hint)

/*
 * The socket's slot, found through rtt_sk (created on its first sample), the
 * slow way: the slot number goes to *slot for the hints.
 */
static __always_inline struct nt_rtt_val *rtt_flow(struct sock *sk, __u32 *slot)
{
	struct nt_slot_ref *ref = slot_ref_of(&rtt_sk, sk);
	struct nt_rtt_val *val;
	__u32 s;

	if (!ref)
		goto lost;
	__u32 known = READ_ONCE(ref->slot);
	if (known && ref->cookie) {
		s = known - 1;
		val = bpf_map_lookup_elem(&rtt_vals, &s);
		if (val && val->cookie == ref->cookie) {
			*slot = s;
			return val;
		}
	}
	/* First sample, or the slot was retired while the socket sat idle. */
	__u64 cookie = bpf_get_socket_cookie(sk);
	if (!ref->cookie)
		ref->cookie = cookie;
	val = slot_new(&rtt_ctl, &rtt_free, &rtt_vals, RTT_MAX_FLOWS, &s);
	if (!val)
		goto lost;
	val->count = 0;
	val->sum = 0;
	val->pid = 0;
	val->closed = 0;
	__builtin_memset(val->slots, 0, sizeof(val->slots));
	flow_id_of(&sk->__sk_common, &val->id, true);
	if (__sync_val_compare_and_swap(&ref->slot, known, s + 1) != known) {
		/* Another CPU created it first: use theirs. */
		slot_publish(&val->cookie, SLOT_ORPHAN);
		s = READ_ONCE(ref->slot) - 1;
		val = bpf_map_lookup_elem(&rtt_vals, &s);
		*slot = s;
		return val && val->cookie == cookie ? val : NULL;
	}
	slot_publish(&val->cookie, cookie);
	*slot = s;
	return val;
lost:
	count_lost(&rtt_lost, LOST_ENTRY);
	return NULL;
}

/*
 * One RTT sample: srtt_us holds 8 times the smoothed RTT (RFC 6298 fixed
 * point). Runs in softirq: the owner comes from sk_owner, not the current task.
 */
static __always_inline int on_segment(struct sock *sk, bool cast)
{
	/*
	 * The usual path: the hint names the slot, and the slot's cookie
	 * confirms it. Looked up before the tcp_sock below, so that the slot's
	 * cache line is on its way meanwhile.
	 */
	__u64 cookie = cookie_made(sk);
	__u32 h = hint_index(cookie);
	__u32 *hint = bpf_map_lookup_elem(&rtt_hint, &h);
	struct nt_rtt_val *val = NULL;

	if (!hint)
		return 0;
	if (cookie) {
		__u32 s = *hint;
		val = bpf_map_lookup_elem(&rtt_vals, &s);
		if (val && val->cookie != cookie)
			val = NULL;
	}

	/*
	 * Both hooks run in tcp_rcv_established(): sk is a TCP socket. A cast,
	 * then a direct load: cheaper than a probe read.
	 */
	struct tcp_sock *tp = cast ? bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct tcp_sock)) : bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return 0;
	__u32 srtt = tp->srtt_us >> 3;

	if (!srtt)
		return 0; /* no RTT sample yet */
	if (targ_ms)
		srtt /= 1000;

	if (!val) {
		__u32 s;
		val = rtt_flow(sk, &s);
		if (!val)
			return 0;
		/* rtt_flow made the cookie if it was not yet. */
		h = hint_index(val->cookie);
		hint = bpf_map_lookup_elem(&rtt_hint, &h);
		if (hint)
			*hint = s;
	}
	if (!val->pid) {
		/* Learn the owner once it has been stamped (first send/receive). */
		struct nt_sock_owner *owner = owner_of(sk);
		if (owner && owner->pid) {
			__builtin_memcpy(val->comm, owner->comm, sizeof(val->comm));
			val->cgroup = owner->cgroup;
			val->pid = owner->pid;
		}
	}

	__u32 slot = log2_u32(srtt);
	if (slot >= RTT_SLOTS)
		slot = RTT_SLOTS - 1;
	/*
	 * tcp_rcv_established() runs under the socket's lock (bh_lock_sock, or
	 * the owner's backlog): one sample at a time per socket, so plain adds,
	 * no atomics. The slot first, the count after: userspace reads them in
	 * the other order.
	 */
	WRITE_ONCE(val->slots[slot], val->slots[slot] + 1);
	WRITE_ONCE(val->count, val->count + 1);
	WRITE_ONCE(val->sum, val->sum + srtt);
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
	return on_segment(sk, true);
}

/* The same without bpf_rdonly_cast: a checked cast through a helper call. */
SEC("tp_btf/tcp_probe")
int BPF_PROG(nt_rtt_sk, struct sock *sk, struct sk_buff *skb)
{
	return on_segment(sk, false);
}

/* Kernels without tcp_probe: the function itself, as tcprtt's fentry twin. */
SEC("fentry/tcp_rcv_established")
int BPF_PROG(nt_rtt_fe, struct sock *sk, struct sk_buff *skb)
{
	return on_segment(sk, false);
}

CLOSED_PROGRAMS(nt_rtt_closed, nt_rtt_clos_fe, rtt, struct nt_rtt_val)
SWEEP_PROGRAM(nt_rtt_sweep, rtt, struct nt_rtt_val)
/* Owner stamps, left out when another object's are shared (source/kernel/owners.ts). */
OWNER_LENGTH_PROGRAMS(nt_rtt_own_tx, nt_rtt_own_rx)
OWNER_STATE_PROGRAM(nt_rtt_own_st)
