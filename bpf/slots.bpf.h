/* Slot tables (bpf/nettop.h): per-flow values userspace reads in place, found per packet through hint arrays. */
#ifndef NETTOP_SLOTS_BPF_H
#define NETTOP_SLOTS_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "nettop.h"
#include "bits.bpf.h"

/*
 * Declares a slot table: prefix##_vals (n values, read by userspace through
 * mmap), prefix##_free (the ring of free slot numbers), prefix##_ctl (its
 * counters) and prefix##_sk (socket storage: each socket's slot in this
 * table, struct nt_slot_ref). n must be a power of two.
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
	} prefix##_ctl SEC(".maps");                                            \
	struct {                                                                \
		__uint(type, BPF_MAP_TYPE_SK_STORAGE);                          \
		__uint(map_flags, BPF_F_NO_PREALLOC);                           \
		__type(key, int);                                               \
		__type(value, struct nt_slot_ref);                              \
	} prefix##_sk SEC(".maps");

/* The socket's entry in a table's prefix##_sk, created when missing; NULL only when storage is exhausted. */
static __always_inline struct nt_slot_ref *slot_ref_of(void *sk_map, struct sock *sk)
{
	return bpf_sk_storage_get(sk_map, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
}

/*
 * Slot hints: an ARRAY of HINT_ENTRIES slot numbers, indexed by a hash of the
 * socket's cookie, written when a flow is found the slow way. The next packet
 * reads the socket's cookie straight from sock_common, takes the hinted slot
 * and checks that slot's own cookie: two array loads and no helper call. A
 * wrong or stale hint only sends the packet the slow way.
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
 * Defines `name`: on tcp_destroy_sock (the socket is being freed; nothing
 * more will be counted on it) mark the socket's slot in the table closed, so
 * userspace reads the final values once more and frees it. And its twin `fe`
 * for kernels without that tracepoint: fentry on tcp_v4_destroy_sock, which
 * tcp_v6_destroy_sock calls too.
 */
#define CLOSED_PROGRAMS(name, fe, prefix, val_type)                             \
	static __always_inline void name##_mark(struct sock *sk)                \
	{                                                                       \
		struct nt_slot_ref *ref = bpf_sk_storage_get(&prefix##_sk, sk, 0, 0); \
		if (!ref || !ref->slot)                                         \
			return;                                                 \
		__u32 s = ref->slot - 1;                                        \
		val_type *val = bpf_map_lookup_elem(&prefix##_vals, &s);        \
		if (val && val->cookie == ref->cookie)                          \
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
 * Defines `name`, an iterator over the table's prefix##_sk: for every socket
 * still alive that has a slot in the table, it writes the slot number (a
 * u32) to the reader. Socket storage is freed with its socket, so a slot left
 * out is one whose socket is gone and whose close went unseen: userspace
 * frees it once it has been unchanged a while (docs/kernels.md).
 */
#define SWEEP_PROGRAM(name, prefix, val_type)                                   \
	SEC("iter/bpf_sk_storage_map")                                          \
	int name(struct bpf_iter__bpf_sk_storage_map *ctx)                      \
	{                                                                       \
		struct nt_slot_ref *ref = ctx->value;                           \
		if (!ctx->sk || !ref || !ref->slot)                             \
			return 0;                                               \
		__u32 s = ref->slot - 1;                                        \
		val_type *val = bpf_map_lookup_elem(&prefix##_vals, &s);        \
		if (val && val->cookie == ref->cookie)                          \
			bpf_seq_write(ctx->meta->seq, &s, sizeof(s));           \
		return 0;                                                       \
	}

#endif
