/* What the TCP objects share: socket identity, the owner stamp, and close records. */
#ifndef NETTOP_FLOW_BPF_H
#define NETTOP_FLOW_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "nettop.h"
#include "bits.bpf.h"

#define AF_INET 2
#define AF_INET6 10
#define TCP_SYN_SENT 2
#define TCP_LISTEN 10

/*
 * sk_owner: the owning process of a socket (struct nt_sock_owner). Each TCP
 * object declares it; when tcp.bpf.o is loaded, userspace makes the others
 * reuse its map (bpf_map__reuse_fd) and leaves their own stamping programs out.
 */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct nt_sock_owner);
} sk_owner SEC(".maps");

/* Records the current task as the socket's owner (process context only). */
static __always_inline struct nt_sock_owner *stamp_owner(struct sock *sk)
{
	struct nt_sock_owner *o = bpf_sk_storage_get(&sk_owner, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (o && o->pid != pid) {
		o->pid = pid;
		bpf_get_current_comm(o->comm, sizeof(o->comm));
	}
	return o;
}

/* The owner stamped earlier, or NULL (softirq context: never creates). */
static __always_inline struct nt_sock_owner *owner_of(struct sock *sk)
{
	return bpf_sk_storage_get(&sk_owner, sk, 0, 0);
}

/* Fills a flow_id from the sock_common shared by full and request sockets. */
static __always_inline void flow_id_of(const struct sock_common *skc, struct nt_flow_id *id)
{
	id->family = skc->skc_family;
	id->lport = skc->skc_num;
	id->rport = bpf_ntohs(skc->skc_dport);
	id->netns = BPF_CORE_READ(skc, skc_net.net, ns.inum);
	if (id->family == AF_INET6) {
		BPF_CORE_READ_INTO(&id->laddr, skc, skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&id->raddr, skc, skc_v6_daddr.in6_u.u6_addr8);
	} else {
		__builtin_memcpy(id->laddr, &skc->skc_rcv_saddr, 4);
		__builtin_memcpy(id->raddr, &skc->skc_daddr, 4);
	}
}

/*
 * Defines `name`: on tcp_destroy_sock (the socket is being freed; nothing
 * more will be counted on it) write its cookie to `ring`, so userspace reads
 * the final counters once more and deletes the entries. And its twin `fe` for
 * kernels without that tracepoint: fentry on tcp_v4_destroy_sock, which
 * tcp_v6_destroy_sock calls too.
 */
#define CLOSED_PROGRAMS(name, fe, ring, lost)                                  \
	static __always_inline void name##_report(struct sock *sk)              \
	{                                                                       \
		__u64 cookie = bpf_get_socket_cookie(sk);                       \
		if (bpf_ringbuf_output(&ring, &cookie, sizeof(cookie), 0))      \
			count_lost(&lost, LOST_AUX);                            \
	}                                                                       \
	SEC("tp_btf/tcp_destroy_sock")                                          \
	int BPF_PROG(name, struct sock *sk)                                     \
	{                                                                       \
		name##_report(sk);                                              \
		return 0;                                                       \
	}                                                                       \
	SEC("fentry/tcp_v4_destroy_sock")                                       \
	int BPF_PROG(fe, struct sock *sk)                                       \
	{                                                                       \
		name##_report(sk);                                              \
		return 0;                                                       \
	}

/*
 * Defines the three owner-stamping programs for an object that runs without
 * tcp.bpf.o (prefix_tx, prefix_rx, prefix_state).
 */
#define OWNER_PROGRAMS(tx, rx, state)                                           \
	SEC("tp_btf/sock_send_length")                                          \
	int BPF_PROG(tx, struct sock *sk, int ret, int flags)                   \
	{                                                                       \
		if (ret > 0 && sk->sk_protocol == IPPROTO_TCP)                  \
			stamp_owner(sk);                                        \
		return 0;                                                       \
	}                                                                       \
	SEC("tp_btf/sock_recv_length")                                          \
	int BPF_PROG(rx, struct sock *sk, int ret, int flags)                   \
	{                                                                       \
		if (ret > 0 && sk->sk_protocol == IPPROTO_TCP)                  \
			stamp_owner(sk);                                        \
		return 0;                                                       \
	}                                                                       \
	SEC("tp_btf/inet_sock_set_state")                                       \
	int BPF_PROG(state, struct sock *sk, int oldstate, int newstate)        \
	{                                                                       \
		/* connect() and listen() run in the owner's context */         \
		if ((newstate == TCP_SYN_SENT || newstate == TCP_LISTEN) &&     \
		    sk->sk_protocol == IPPROTO_TCP)                             \
			stamp_owner(sk);                                        \
		return 0;                                                       \
	}

#endif
