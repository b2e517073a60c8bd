// SPDX-License-Identifier: GPL-2.0 OR MIT
/* tcptop: bytes sent and received per process and TCP connection or UDP socket. */
#include "vmlinux.h"
#include "tcp.h"
#include "flow.bpf.h"
#include "owner.bpf.h"
#include "slots.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define MSG_PEEK 2

SLOT_TABLE(tcp, struct nt_tcp_val, TCP_MAX_FLOWS)

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCP_MAX_FLOWS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nt_tcp_key);
	__type(value, __u32); /* slot in tcp_vals */
} tcp_index SEC(".maps");

LOST_COUNTERS(tcp_lost)

/*
 * cookie -> slot hints for the per-packet path. By cookie alone, so the hint
 * is read before the pid is known; processes that share a socket share its
 * hint, and the slot's pid tells their flows apart.
 */
HINT_ARRAY(tcp_hint)

static __always_inline __u32 *tcp_hint_of(__u64 cookie)
{
	__u32 h = hint_index(cookie);
	return bpf_map_lookup_elem(&tcp_hint, &h);
}

/* The slot of (cookie, pid) if it still holds that flow, else NULL. */
static __always_inline struct nt_tcp_val *tcp_slot(__u32 s, __u64 cookie, __u32 pid)
{
	struct nt_tcp_val *val = bpf_map_lookup_elem(&tcp_vals, &s);
	return val && val->cookie == cookie && val->pid == pid ? val : NULL;
}

/*
 * The first send or receive of a process on a socket (or the first since its
 * hint was overwritten): stamp the owner, find the flow through the index or
 * create it, and remember its slot in the hints and in tcp_sk (for the close
 * and the sweep; the last process's, when several share the socket).
 */
static __noinline struct nt_tcp_val *tcp_flow(struct sock *sk, __u64 cookie, __u32 pid)
{
	struct nt_tcp_key key = { .cookie = cookie, .pid = pid };
	struct nt_sock_owner *owner = stamp_owner(sk);
	struct nt_tcp_val *val = NULL;
	__u32 *at = bpf_map_lookup_elem(&tcp_index, &key);
	__u32 s;

	if (at) {
		s = *at;
		val = tcp_slot(s, cookie, pid);
		if (!val) /* its slot was retired while idle */
			bpf_map_delete_elem(&tcp_index, &key);
	}
	if (!val) {
		val = slot_new(&tcp_ctl, &tcp_free, &tcp_vals, TCP_MAX_FLOWS, &s);
		if (!val)
			goto lost;
		val->tx_bytes = 0;
		val->rx_bytes = 0;
		val->closed = 0;
		val->pid = pid;
		val->cgroup = bpf_get_current_cgroup_id();
		val->proto = sk->sk_protocol;
		flow_id_of(&sk->__sk_common, &val->id, true);
		if (owner && owner->pid == pid)
			__builtin_memcpy(val->comm, owner->comm, sizeof(val->comm));
		else
			bpf_get_current_comm(val->comm, sizeof(val->comm));
		if (bpf_map_update_elem(&tcp_index, &key, &s, BPF_NOEXIST)) {
			/* Another CPU created this flow first, or the index is full. */
			slot_publish(&val->cookie, SLOT_ORPHAN);
			at = bpf_map_lookup_elem(&tcp_index, &key);
			if (!at)
				goto lost;
			s = *at;
			val = tcp_slot(s, cookie, pid);
			if (!val)
				goto lost;
		} else {
			slot_publish(&val->cookie, cookie);
		}
	}
	struct nt_slot_ref *ref = slot_ref_of(&tcp_sk, sk);
	if (ref) {
		ref->cookie = cookie;
		ref->slot = s + 1;
	}
	__u32 *hint = tcp_hint_of(cookie);
	if (hint)
		*hint = s;
	return val;
lost:
	count_lost(&tcp_lost, LOST_ENTRY);
	return NULL;
}

static __always_inline void count(struct sock *sk, int ret, int rx)
{
	if (ret <= 0)
		return;
	__u16 family = sk->__sk_common.skc_family;
	if (family != AF_INET && family != AF_INET6)
		return;

	/*
	 * The usual path: the hint names the slot, and the slot confirms it.
	 * The hint and the slot are loaded before the call for the pid, so that
	 * their cache misses overlap with it.
	 */
	__u64 cookie = cookie_made(sk);
	struct nt_tcp_val *val = NULL;
	__u64 held = 0;
	__u32 held_pid = 0;

	if (cookie) {
		__u32 *hint = tcp_hint_of(cookie);
		if (hint) {
			__u32 s = *hint;
			val = bpf_map_lookup_elem(&tcp_vals, &s);
			if (val) {
				held = READ_ONCE(val->cookie);
				held_pid = READ_ONCE(val->pid);
			}
		}
	}
	/* Process context: the current task is the one moving the bytes. */
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (!val || held != cookie || held_pid != pid) {
		/* Only TCP and UDP sockets ever get a slot: the protocol is checked here, off the usual path. */
		if (sk->sk_protocol != IPPROTO_TCP && sk->sk_protocol != IPPROTO_UDP)
			return;
		val = tcp_flow(sk, bpf_get_socket_cookie(sk), pid);
		if (!val)
			return;
	}
	if (rx)
		__sync_fetch_and_add(&val->rx_bytes, ret);
	else
		__sync_fetch_and_add(&val->tx_bytes, ret);
}

/*
 * sock_send_length fires in sock_sendmsg_nosec() with what the protocol
 * accepted: write, send, sendmsg, sendmmsg and, since splice_to_socket() goes
 * through sock_sendmsg, sendfile and splice too.
 */
SEC("tp_btf/sock_send_length")
int BPF_PROG(nt_tcp_send, struct sock *sk, int ret, int flags)
{
	count(sk, ret, 0);
	return 0;
}

/* sock_recv_length fires in sock_recvmsg_nosec(); a MSG_PEEK read leaves the data queued. */
SEC("tp_btf/sock_recv_length")
int BPF_PROG(nt_tcp_recv, struct sock *sk, int ret, int flags)
{
	if (flags & MSG_PEEK)
		return 0;
	count(sk, ret, 1);
	return 0;
}

/*
 * Kernels without sock_send_length: tcp_sendmsg() returns what it accepted.
 * On kernels where sendfile() still went through tcp_sendpage() it is not seen.
 */
SEC("fexit/tcp_sendmsg")
int BPF_PROG(nt_tcp_send_fx, struct sock *sk, struct msghdr *msg, size_t size, int ret)
{
	count(sk, ret, 0);
	return 0;
}

/*
 * Kernels without sock_recv_length: tcp_recvmsg() ends with
 * tcp_cleanup_rbuf(sk, copied). Its signature is stable where tcp_recvmsg's
 * is not, but it cannot tell a MSG_PEEK read, which counts here.
 */
SEC("fentry/tcp_cleanup_rbuf")
int BPF_PROG(nt_tcp_recv_fe, struct sock *sk, int copied)
{
	count(sk, copied, 1);
	return 0;
}

/* connect() and listen() run in the owner's context: stamp it for RTT and retransmits. */
OWNER_STATE_PROGRAM(nt_tcp_state)
CLOSED_PROGRAMS(nt_tcp_closed, nt_tcp_clos_fe, tcp, struct nt_tcp_val)
SWEEP_PROGRAM(nt_tcp_sweep, tcp, struct nt_tcp_val)
