/* nic.bpf.c: NIC throughput per (network namespace, ifindex, queue). Mirrored in source/features/nic/layouts.ts. */
#ifndef NETTOP_NIC_H
#define NETTOP_NIC_H

#include "nettop.h"

#define IFNAMSIZ_NT 16
#define ETH_HLEN_NT 14

/* Link ops of kinds other than veth that the RX program remembers (nic.bpf.c, is_veth). */
#define NIC_OTHER_OPS 8

/*
 * nic_stats: PERCPU_HASH, monotonic. Userspace sums the CPUs and takes deltas;
 * an entry dies when userspace sees it idle long enough (its interface is gone)
 * and deletes it. A failed insert (map full) is counted in nic_lost.
 */
#define NIC_MAX_ENTRIES 16384

struct nt_nic_key {
	__u32 netns;   /* inode of the interface's network namespace */
	__u32 ifindex;
	__u32 queue;   /* TX: skb->queue_mapping; RX: the recorded RX queue (veth: the peer's TX queue), else 0 */
};
_Static_assert(sizeof(struct nt_nic_key) == 12, "nt_nic_key layout");

struct nt_nic_val {
	__u64 tx_bytes;
	__u64 tx_packets;
	__u64 rx_bytes;
	__u64 rx_packets;
};
_Static_assert(sizeof(struct nt_nic_val) == 32, "nt_nic_val layout");

/*
 * nic_cache: PERCPU_ARRAY of NIC_CACHE_SLOTS, the fast path. On each CPU, slot
 * i belongs for good to the first key that hashed to i there (key.netns 0:
 * free); that key's packets on that CPU add to the slot, an array index and
 * no hashing. Other keys go to nic_stats. Userspace adds both up per key.
 */
#define NIC_CACHE_SLOTS 64

struct nt_nic_slot {
	struct nt_nic_key key;
	__u32 _pad;
	struct nt_nic_val val;
};
_Static_assert(sizeof(struct nt_nic_slot) == 48, "nt_nic_slot layout");

/*
 * nic_names: HASH, written when a (netns, ifindex, queue) key is first seen on
 * a CPU. Monotonic; deleted by userspace together with the stats entries.
 */
struct nt_nic_name_key {
	__u32 netns;
	__u32 ifindex;
};
_Static_assert(sizeof(struct nt_nic_name_key) == 8, "nt_nic_name_key layout");

struct nt_nic_name {
	__u8 name[IFNAMSIZ_NT];
};
_Static_assert(sizeof(struct nt_nic_name) == 16, "nt_nic_name layout");

#endif /* NETTOP_NIC_H */
