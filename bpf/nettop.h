/* Every struct that crosses the kernel/user boundary. Mirrored in native/layouts.ts. */
#ifndef NETTOP_H
#define NETTOP_H

/*
 * Fixed-width types only, explicit padding, and a size assertion per struct:
 * userspace decodes these bytes at fixed offsets (test/native/layouts.test.ts
 * compares them with the BTF of the compiled objects).
 */

#define IFNAMSIZ_NT 16

/* ---- nic.bpf.c ---------------------------------------------------------- */

/*
 * nic_stats: PERCPU_HASH, monotonic. Userspace sums the CPUs and takes deltas;
 * an entry dies when userspace sees it idle long enough (its interface is gone)
 * and deletes it. A failed insert (map full) is counted in nic_lost.
 */
#define NIC_MAX_ENTRIES 16384

struct nic_key {
	__u32 netns;   /* inode of the interface's network namespace */
	__u32 ifindex;
	__u32 queue;   /* TX: skb->queue_mapping; RX: recorded rx queue, else 0 */
};
_Static_assert(sizeof(struct nic_key) == 12, "nic_key layout");

struct nic_val {
	__u64 tx_bytes;
	__u64 tx_packets;
	__u64 rx_bytes;
	__u64 rx_packets;
};
_Static_assert(sizeof(struct nic_val) == 32, "nic_val layout");

/*
 * nic_names: HASH, written when a (netns, ifindex, queue) key is first seen on
 * a CPU. Monotonic; deleted by userspace together with the stats entries.
 */
struct nic_name_key {
	__u32 netns;
	__u32 ifindex;
};
_Static_assert(sizeof(struct nic_name_key) == 8, "nic_name_key layout");

struct nic_name {
	__u8 name[IFNAMSIZ_NT];
};
_Static_assert(sizeof(struct nic_name) == 16, "nic_name layout");

/* Indexes of the lost-update counters (PERCPU_ARRAY, monotonic). */
#define LOST_STATS 0 /* a stats entry could not be created: map full */
#define LOST_NAMES 1 /* a name entry could not be created */
#define LOST_SLOTS 2

#endif /* NETTOP_H */
