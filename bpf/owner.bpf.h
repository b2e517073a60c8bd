/* The socket-owner stamps (struct nt_sock_owner) that softirq hooks read back, and the programs that stamp them. */
#ifndef NETTOP_OWNER_BPF_H
#define NETTOP_OWNER_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "nettop.h"

#define TCP_SYN_SENT 2
#define TCP_LISTEN 10

/*
 * sk_owner: the owning process of a socket. Each object that needs owners
 * declares it; userspace makes every object after the first reuse the first
 * one's map (bpf_map__reuse_fd) and leaves their own stamping programs out,
 * so a socket is stamped once (source/kernel/owners.ts).
 */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct nt_sock_owner);
} sk_owner SEC(".maps");

/*
 * Records the current task as the socket's owner (process context only),
 * with its cgroup: read here, once per owner, never per packet.
 */
static __always_inline struct nt_sock_owner *stamp_owner(struct sock *sk)
{
	struct nt_sock_owner *o = bpf_sk_storage_get(&sk_owner, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (o && o->pid != pid) {
		o->pid = pid;
		bpf_get_current_comm(o->comm, sizeof(o->comm));
		o->cgroup = bpf_get_current_cgroup_id();
	}
	return o;
}

/* The owner stamped earlier, or NULL (softirq context: never creates). */
static __always_inline struct nt_sock_owner *owner_of(struct sock *sk)
{
	return bpf_sk_storage_get(&sk_owner, sk, 0, 0);
}

/* The socket's owner into an event's pid, comm and cgroup: 0 and empty when none is stamped. */
static __always_inline void copy_owner(struct sock *sk, __u32 *pid, __u8 *comm, __u64 *cgroup)
{
	struct nt_sock_owner *owner = owner_of(sk);

	if (owner) {
		*pid = owner->pid;
		__builtin_memcpy(comm, owner->comm, COMM_LEN);
		*cgroup = owner->cgroup;
	} else {
		*pid = 0;
		__builtin_memset(comm, 0, COMM_LEN);
		*cgroup = 0;
	}
}

/* Defines `name`: connect() and listen() run in the owner's context, so stamp it there. */
#define OWNER_STATE_PROGRAM(name)                                               \
	SEC("tp_btf/inet_sock_set_state")                                       \
	int BPF_PROG(name, struct sock *sk, int oldstate, int newstate)         \
	{                                                                       \
		if ((newstate == TCP_SYN_SENT || newstate == TCP_LISTEN) &&     \
		    sk->sk_protocol == IPPROTO_TCP)                             \
			stamp_owner(sk);                                        \
		return 0;                                                       \
	}

/*
 * Defines `tx` and `rx`: stamp the owner on every send and receive, for an
 * object whose own programs never run in the owner's context (left out when
 * another object's stamps are shared).
 */
#define OWNER_LENGTH_PROGRAMS(tx, rx)                                           \
	SEC("tp_btf/sock_send_length")                                          \
	int BPF_PROG(tx, struct sock *sk, int ret, int flags)                   \
	{                                                                       \
		if (ret > 0 && (sk->sk_protocol == IPPROTO_TCP ||               \
				sk->sk_protocol == IPPROTO_UDP))                \
			stamp_owner(sk);                                        \
		return 0;                                                       \
	}                                                                       \
	SEC("tp_btf/sock_recv_length")                                          \
	int BPF_PROG(rx, struct sock *sk, int ret, int flags)                   \
	{                                                                       \
		if (ret > 0 && (sk->sk_protocol == IPPROTO_TCP ||               \
				sk->sk_protocol == IPPROTO_UDP))                \
			stamp_owner(sk);                                        \
		return 0;                                                       \
	}

#endif
