// SPDX-License-Identifier: GPL-2.0 OR MIT
/* NIC throughput per (network namespace, ifindex, queue), TX and RX. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "nic.h"
#include "bits.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Allocated as interfaces appear: preallocated, the kernel would allocate
 * 16,384 per-CPU entries while loading the object, at every start. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, NIC_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nt_nic_key);
	__type(value, struct nt_nic_val);
} nic_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NIC_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nt_nic_name_key);
	__type(value, struct nt_nic_name);
} nic_names SEC(".maps");

LOST_COUNTERS(nic_lost)

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NIC_CACHE_SLOTS);
	__type(key, __u32);
	__type(value, struct nt_nic_slot);
} nic_cache SEC(".maps");

/* Per CPU: set while this CPU claims a nic_cache slot. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} nic_claiming SEC(".maps");

static const struct nt_nic_val zero_val;

/* A key's first packet (on a CPU, or in nic_stats): remember the interface's name. */
static __always_inline void remember_name(const struct net_device *dev, const struct nt_nic_key *key)
{
	struct nt_nic_name_key nkey = { .netns = key->netns, .ifindex = key->ifindex };
	struct nt_nic_name name = {};
	bpf_probe_read_kernel_str(name.name, sizeof(name.name), dev->name);
	if (bpf_map_update_elem(&nic_names, &nkey, &name, BPF_ANY))
		count_lost(&nic_lost, LOST_AUX);
}

/*
 * Takes a free slot of this CPU for `key`. A nic program can run nested in
 * another on the same CPU (netconsole transmits from interrupts): the nested
 * one, seeing the claim under way, leaves the cache alone. The slot's netns
 * goes in last, so a half-written key never matches.
 */
static __always_inline void claim(struct nt_nic_slot *slot, const struct nt_nic_key *key, const struct net_device *dev)
{
	__u32 zero = 0;
	__u32 *busy = bpf_map_lookup_elem(&nic_claiming, &zero);

	if (!busy || READ_ONCE(*busy))
		return;
	WRITE_ONCE(*busy, 1);
	if (!READ_ONCE(slot->key.netns)) {
		remember_name(dev, key);
		slot->key.ifindex = key->ifindex;
		slot->key.queue = key->queue;
		WRITE_ONCE(slot->key.netns, key->netns);
	}
	WRITE_ONCE(*busy, 0);
}

static __always_inline struct nt_nic_val *stats_for(const struct net_device *dev, __u32 queue)
{
	struct nt_nic_key key = {
		/* Interfaces live in namespaces: (netns inode, ifindex) names one. */
		.netns = dev->nd_net.net->ns.inum,
		.ifindex = dev->ifindex,
		.queue = queue,
	};
	__u32 i = ((key.netns * 31 + key.ifindex) * 31 + key.queue) & (NIC_CACHE_SLOTS - 1);
	struct nt_nic_slot *slot = bpf_map_lookup_elem(&nic_cache, &i);

	if (slot) {
		__u32 netns = READ_ONCE(slot->key.netns);
		if (!netns) {
			claim(slot, &key, dev);
			netns = READ_ONCE(slot->key.netns);
		}
		if (netns == key.netns && slot->key.ifindex == key.ifindex && slot->key.queue == key.queue)
			return &slot->val;
	}

	/* The slot holds another key: the hash. */
	struct nt_nic_val *val = bpf_map_lookup_elem(&nic_stats, &key);
	if (val)
		return val;
	/* First packet for this key here: only now is the name copied. */
	remember_name(dev, &key);
	val = lookup_or_init(&nic_stats, &key, &zero_val);
	if (!val)
		count_lost(&nic_lost, LOST_ENTRY);
	return val;
}

/*
 * net_dev_start_xmit fires in xmit_one() just before the driver's
 * ndo_start_xmit, once per skb handed to the driver (after software GSO, so a
 * TSO skb counts as one packet, as drivers such as veth and lo count it).
 * skb->len is what those drivers add to tx_bytes.
 */
SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(nt_nic_tx, const struct sk_buff *skb, const struct net_device *dev)
{
	__u64 len = skb->len;
	/* lo counts after eth_type_trans() took the Ethernet header off (loopback_xmit). */
	if ((dev->flags & IFF_LOOPBACK) && len >= ETH_HLEN_NT)
		len -= ETH_HLEN_NT;
	struct nt_nic_val *val = stats_for(dev, skb->queue_mapping);
	if (!val)
		return 0;
	val->tx_bytes += len;
	val->tx_packets += 1;
	return 0;
}

/*
 * Which RX queue an skb came in on. Drivers that record it (skb_record_rx_queue)
 * keep the queue plus one in queue_mapping, 0 meaning none was recorded. veth
 * records nothing: the skb arrives with the queue_mapping its peer sent it on,
 * the index of the RX queue veth hands it to. veth is known by its link ops'
 * kind, read once; the link ops of other kinds are remembered as not veth, so
 * a packet costs a load and a compare or two, no helper call.
 */
__u64 nic_veth_ops;
__u64 nic_other_ops[NIC_OTHER_OPS];

static __always_inline bool is_veth(const struct net_device *dev)
{
	__u64 ops = (__u64)dev->rtnl_link_ops;
	const char *kind = NULL;
	char name[5] = {};

	if (!ops)
		return false;
	if (ops == READ_ONCE(nic_veth_ops))
		return true;
	for (int i = 0; i < NIC_OTHER_OPS; i++)
		if (ops == READ_ONCE(nic_other_ops[i]))
			return false;
	bpf_probe_read_kernel(&kind, sizeof(kind), &dev->rtnl_link_ops->kind);
	if (kind)
		bpf_probe_read_kernel_str(name, sizeof(name), kind);
	if (name[0] == 'v' && name[1] == 'e' && name[2] == 't' && name[3] == 'h' && name[4] == 0) {
		WRITE_ONCE(nic_veth_ops, ops);
		return true;
	}
	/* Remembered in the first free place; more kinds than places are read each time. */
	for (int i = 0; i < NIC_OTHER_OPS; i++) {
		if (!READ_ONCE(nic_other_ops[i])) {
			WRITE_ONCE(nic_other_ops[i], ops);
			break;
		}
	}
	return false;
}

/*
 * netif_receive_skb fires in __netif_receive_skb_core(), after the driver's
 * eth_type_trans() pulled the link-layer header. Drivers count rx_bytes before
 * that pull, so add the header back (data - mac header) to match them.
 */
SEC("tp_btf/netif_receive_skb")
int BPF_PROG(nt_nic_rx, struct sk_buff *skb)
{
	const struct net_device *dev = skb->dev;
	__u64 len = skb->len; /* 64-bit: the header length below stays a 64-bit difference the verifier accepts */
	__u16 mac = skb->mac_header;
	__u16 qm = skb->queue_mapping;

	if (!dev)
		return 0;
	/* lo counts the length without the header (see nt_nic_tx); others before the pull. */
	if (mac != (__u16)~0U && !(dev->flags & IFF_LOOPBACK)) {
		long pulled = (long)skb->data - (long)skb->head - mac;
		if (pulled > 0 && pulled < 256)
			len += pulled;
	}
	struct nt_nic_val *val = stats_for(dev, is_veth(dev) ? qm : qm ? qm - 1 : 0);
	if (!val)
		return 0;
	val->rx_bytes += len;
	val->rx_packets += 1;
	return 0;
}
