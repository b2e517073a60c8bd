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

/*
 * Slot hints: an ARRAY of HINT_ENTRIES slot numbers, indexed by a hash of the
 * socket's cookie (and pid), written when a flow is found the slow way. The
 * next packet reads the socket's cookie straight from sock_common, takes the
 * hinted slot and checks that slot's own cookie: two array loads and no helper
 * call (a call and its return are what cost most here). A wrong or stale hint
 * only sends the packet the slow way; collisions overwrite each other.
 */
#define HINT_BITS 16
#define HINT_ENTRIES (1 << HINT_BITS)

#define HINT_ARRAY(name)                                                       \
	struct {                                                                \
		__uint(type, BPF_MAP_TYPE_ARRAY);                               \
		__uint(max_entries, HINT_ENTRIES);                              \
		__type(key, __u32);                                             \
		__type(value, __u32);                                           \
	} name SEC(".maps");

/* The hint array index of a key: Fibonacci hashing, so sequential cookies spread out. */
static __always_inline __u32 hint_index(__u64 key)
{
	return (key * 0x9E3779B97F4A7C15ULL) >> (64 - HINT_BITS);
}

/* The socket's cookie if one was made already (bpf_get_socket_cookie makes it), else 0. */
static __always_inline __u64 cookie_made(struct sock *sk)
{
	return sk->__sk_common.skc_cookie.counter;
}

/*
 * Declares a slot table (bpf/nettop.h): prefix##_vals (n values, read by
 * userspace through mmap), prefix##_free (the ring of free slot numbers) and
 * prefix##_ctl (its counters). n must be a power of two.
 */
#define SLOT_TABLE(prefix, val_type, n)                                        \
	struct {                                                                \
		__uint(type, BPF_MAP_TYPE_ARRAY);                               \
		__uint(max_entries, n);                                         \
		__uint(map_flags, BPF_F_MMAPABLE);                              \
		__type(key, __u32);                                             \
		__type(value, val_type);                                        \
	} prefix##_vals SEC(".maps");                                           \
	struct {                                                                \
		__uint(type, BPF_MAP_TYPE_ARRAY);                               \
		__uint(max_entries, n);                                         \
		__uint(map_flags, BPF_F_MMAPABLE);                              \
		__type(key, __u32);                                             \
		__type(value, __u32);                                           \
	} prefix##_free SEC(".maps");                                           \
	struct {                                                                \
		__uint(type, BPF_MAP_TYPE_ARRAY);                               \
		__uint(max_entries, 1);                                         \
		__uint(map_flags, BPF_F_MMAPABLE);                              \
		__type(key, __u32);                                             \
		__type(value, struct nt_slot_ctl);                              \
	} prefix##_ctl SEC(".maps");

/*
 * A free slot of a slot table: one userspace gave back, else a never used
 * one. -1 when all n are in use. Only for a new flow, never per packet.
 */
static __always_inline long slot_take(void *ctl_map, void *free_map, __u32 n)
{
	__u32 zero = 0;
	struct nt_slot_ctl *ctl = bpf_map_lookup_elem(ctl_map, &zero);

	if (!ctl)
		return -1;
	for (int attempt = 0; attempt < 2; attempt++) {
		__u32 head = READ_ONCE(ctl->free_head);
		if (head == READ_ONCE(ctl->free_tail))
			break;
		__u32 at = head & (n - 1);
		__u32 *slot = bpf_map_lookup_elem(free_map, &at);
		if (!slot)
			break;
		__u32 s = READ_ONCE(*slot);
		/* The entry stays until head moves past it: take it only if we move head. */
		if (__sync_val_compare_and_swap(&ctl->free_head, head, head + 1) == head)
			return s;
	}
	if (READ_ONCE(ctl->next) >= n)
		return -1;
	__u32 s = __sync_fetch_and_add(&ctl->next, 1);
	return s < n ? s : -1;
}

/* A free slot's value in `vals_map` (its number in *slot), or NULL when the table is full. */
static __always_inline void *slot_new(void *ctl_map, void *free_map, void *vals_map, __u32 n, __u32 *slot)
{
	long taken = slot_take(ctl_map, free_map, n);

	if (taken < 0)
		return NULL;
	*slot = taken;
	return bpf_map_lookup_elem(vals_map, slot);
}

/* Makes a slot's value visible to userspace: the cookie goes in last. */
static __always_inline void slot_publish(__u64 *cookie_field, __u64 cookie)
{
	__sync_lock_test_and_set(cookie_field, cookie);
}

/*
 * Fills a flow_id from the sock_common shared by full and request sockets.
 * skc comes from a tracepoint or fentry argument (a BTF pointer): plain
 * loads, no probe reads. Except, when `once` (a path taken once per flow),
 * for the namespace behind skc_net: loading a pointer from a BTF pointer
 * makes the verifier search the kernel's whole BTF by name, several times,
 * for whether the pointee is trusted, at every start, on every path it
 * checks; two probe reads are two helper calls.
 */
static __always_inline void flow_id_of(const struct sock_common *skc, struct nt_flow_id *id, bool once)
{
	id->family = skc->skc_family;
	id->lport = skc->skc_num;
	id->rport = bpf_ntohs(skc->skc_dport);
	id->netns = once ? BPF_CORE_READ(skc, skc_net.net, ns.inum) : skc->skc_net.net->ns.inum;
	if (id->family == AF_INET6) {
		__builtin_memcpy(id->laddr, skc->skc_v6_rcv_saddr.in6_u.u6_addr8, 16);
		__builtin_memcpy(id->raddr, skc->skc_v6_daddr.in6_u.u6_addr8, 16);
	} else {
		/* The rest zeroed too: slots and ring records are reused. */
		__builtin_memset(id->laddr, 0, 16);
		__builtin_memset(id->raddr, 0, 16);
		__builtin_memcpy(id->laddr, &skc->skc_rcv_saddr, 4);
		__builtin_memcpy(id->raddr, &skc->skc_daddr, 4);
	}
	id->_pad = 0;
}

/*
 * Defines `name`: on tcp_destroy_sock (the socket is being freed; nothing
 * more will be counted on it) mark the socket's slot in `vals` closed, the
 * slot sk_owner's `field` names (slot + 1), so userspace reads the final
 * values once more and frees it. And its twin `fe` for kernels without that
 * tracepoint: fentry on tcp_v4_destroy_sock, which tcp_v6_destroy_sock calls too.
 */
#define CLOSED_PROGRAMS(name, fe, vals, val_type, field)                        \
	static __always_inline void name##_mark(struct sock *sk)                \
	{                                                                       \
		struct nt_sock_owner *owner = owner_of(sk);                     \
		if (!owner || !owner->field)                                    \
			return;                                                 \
		__u32 s = owner->field - 1;                                     \
		__u64 cookie = bpf_get_socket_cookie(sk);                       \
		val_type *val = bpf_map_lookup_elem(&vals, &s);                 \
		if (val && val->cookie == cookie)                               \
			WRITE_ONCE(val->closed, 1);                             \
	}                                                                       \
	SEC("tp_btf/tcp_destroy_sock")                                          \
	int BPF_PROG(name, struct sock *sk)                                     \
	{                                                                       \
		name##_mark(sk);                                                \
		return 0;                                                       \
	}                                                                       \
	SEC("fentry/tcp_v4_destroy_sock")                                       \
	int BPF_PROG(fe, struct sock *sk)                                       \
	{                                                                       \
		name##_mark(sk);                                                \
		return 0;                                                       \
	}

/*
 * Defines `name`, an iterator over sk_owner (iter/bpf_sk_storage_map): for
 * every socket still alive that has a slot in `vals` (sk_owner's `field`,
 * slot + 1), it writes the slot number (a u32) to the reader. Socket storage
 * is freed with its socket, so a slot left out is one whose socket is gone:
 * userspace frees those once they have been unchanged a while, in case a
 * close went unseen (the kernel does not run a program nested in itself on
 * one CPU, and under load closes have been seen to reach no program at all).
 */
#define SWEEP_PROGRAM(name, vals, val_type, field)                              \
	SEC("iter/bpf_sk_storage_map")                                          \
	int name(struct bpf_iter__bpf_sk_storage_map *ctx)                      \
	{                                                                       \
		struct nt_sock_owner *owner = ctx->value;                       \
		if (!ctx->sk || !owner || !owner->field)                        \
			return 0;                                               \
		__u32 s = owner->field - 1;                                     \
		val_type *val = bpf_map_lookup_elem(&vals, &s);                 \
		if (val && val->cookie == owner->cookie)                        \
			bpf_seq_write(ctx->meta->seq, &s, sizeof(s));           \
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
