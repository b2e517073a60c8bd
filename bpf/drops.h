/* drops.bpf.c: packets the kernel dropped, counted by reason and place, by flow where a socket had them, and a sample of events. Mirrored in source/features/drops/layouts.ts. */
#ifndef NETTOP_DROPS_H
#define NETTOP_DROPS_H

#include "nettop.h"

#define DROPS_KEYS_MAX 16384        /* (namespace, interface, protocol, reason) combinations */
#define DROPS_FLOWS_MAX 16384       /* (flow, reason) with a socket; userspace removes the ones that stopped */
#define DROPS_NAMES_MAX 4096        /* interface names */
#define DROPS_RING_BYTES (1 << 19)  /* with every event (a rate of 0): 4,369 records of 120 bytes between two drains (every 250 ms); a sampled list sets a size from its rate at load (source/kernel/sampling.ts) */

/* Where and what was dropped, as the kernel's reason names it. */
struct nt_drop_key {
	__u32 netns;     /* the device's namespace, else the socket's */
	__u32 ifindex;   /* 0: no device */
	__u32 reason;    /* enum skb_drop_reason (its numbers differ between kernels) */
	__u16 eth_proto; /* skb->protocol, host order */
	__u8 ip_proto;   /* IPPROTO_* when IPv4 or IPv6, else 0 */
	__u8 _pad;
};
_Static_assert(sizeof(struct nt_drop_key) == 16, "nt_drop_key layout");

/*
 * A slot of a CPU's direct-mapped cache of keys (drops_cache): the first
 * key that hashes to a slot keeps it for nettop's life, and its drops count
 * there with no hash-map lookup. Others go to drops_counts. reason 0 (not a
 * drop) marks a free slot.
 */
#define DROPS_CACHE_SLOTS 256

struct nt_drop_slot {
	struct nt_drop_key key;
	__u64 count;
};
_Static_assert(sizeof(struct nt_drop_slot) == 24, "nt_drop_slot layout");

struct nt_drop_ifname_key {
	__u32 netns;
	__u32 ifindex;
};
_Static_assert(sizeof(struct nt_drop_ifname_key) == 8, "nt_drop_ifname_key layout");

struct nt_drop_ifname {
	__u8 name[16];
};
_Static_assert(sizeof(struct nt_drop_ifname) == 16, "nt_drop_ifname layout");

/* A flow whose socket had the packet: its drops for one reason. */
struct nt_drop_flow_key {
	struct nt_flow_id id;
	__u32 reason;
};
_Static_assert(sizeof(struct nt_drop_flow_key) == 48, "nt_drop_flow_key layout");

struct nt_drop_flow {
	__u64 count;
	__u32 pid;       /* the socket's owner when the last drop was counted */
	__u8 comm[COMM_LEN];
	__u8 state;      /* TCP state; 0 for a socket of another protocol */
	__u8 protocol;   /* sk_protocol */
	__u16 _pad;
	__u64 cgroup;    /* the owner's cgroup v2 id */
	__u64 ino;       /* the socket's inode, read at the flow's first drop: userspace finds the owner by it when none is stamped */
};
_Static_assert(sizeof(struct nt_drop_flow) == 48, "nt_drop_flow layout");

/* One dropped packet, a sample. */
struct nt_drop_event {
	__u64 ts_ns;     /* CLOCK_MONOTONIC */
	__u64 location;  /* the kernel address that dropped it (kfree_skb's caller) */
	struct nt_flow_id id; /* from the socket (a UDP socket with no peer: the remote end from the packet), else from the packet's headers (local = its destination) */
	__u32 pid;
	__u8 comm[COMM_LEN];
	__u32 reason;
	__u32 ifindex;
	__u16 eth_proto;
	__u8 ip_proto;
	__u8 state;      /* the socket's TCP state; 0: no socket, or not a TCP one */
	__u8 has_sock;
	__u8 _pad[3];
	__u64 cgroup;    /* the owner's cgroup v2 id */
	__u64 ino;       /* the socket's inode when no owner is stamped, else 0 */
};
_Static_assert(sizeof(struct nt_drop_event) == 112, "nt_drop_event layout");

#endif /* NETTOP_DROPS_H */
