// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Drops: every skb the kernel frees as dropped (skb:kfree_skb, Linux 5.17+ with its reason), counted per CPU; flows with a socket, and a sample of events. */
#include "vmlinux.h"
#include "drops.h"
#include "bits.bpf.h"
#include "flow.bpf.h"
#include "owner.bpf.h"
#include "sample.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define E2BIG 7
/* Where the addresses are in the IPv4 and IPv6 headers: wire formats, no kernel's to relocate. */
#define IP_SADDR 12
#define IP_DADDR 16
#define IP6_SADDR 8
#define IP6_DADDR 24

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, DROPS_KEYS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* entries made at a key's first drop: nothing allocated up front */
	__type(key, struct nt_drop_key);
	__type(value, __u64);
} drops_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DROPS_CACHE_SLOTS);
	__type(key, __u32);
	__type(value, struct nt_drop_slot);
} drops_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DROPS_NAMES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nt_drop_ifname_key);
	__type(value, struct nt_drop_ifname);
} drops_ifnames SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DROPS_FLOWS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nt_drop_flow_key);
	__type(value, struct nt_drop_flow);
} drops_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, DROPS_RING_BYTES);
} drops_events SEC(".maps");

/* Never used: puts the layouts into the object's BTF, for the layout test. */
const struct nt_drop_event *_nt_drop_event_btf __attribute__((unused));
const struct nt_sample_budget *_nt_sample_budget_btf __attribute__((unused));

LOST_COUNTERS(drops_lost)
SAMPLER(drops)

static const __u64 zero_count;
static const struct nt_drop_flow zero_flow;

/* The IP protocol of an IPv4 or IPv6 packet (the first header only), else 0. */
static __always_inline __u8 ip_proto_of(struct sk_buff *skb, __u16 eth_proto)
{
	unsigned char *head = skb->head;
	__u16 nh = skb->network_header;
	__u8 proto = 0;

	if (eth_proto == ETH_P_IP)
		bpf_probe_read_kernel(&proto, 1, head + nh + offsetof(struct iphdr, protocol));
	else if (eth_proto == ETH_P_IPV6)
		bpf_probe_read_kernel(&proto, 1, head + nh + offsetof(struct ipv6hdr, nexthdr));
	return proto;
}

/* A key's first drop: remember the device's name, off the per-drop path. */
static __always_inline void remember_name(const struct net_device *dev, const struct nt_drop_key *key)
{
	struct nt_drop_ifname_key nkey = { .netns = key->netns, .ifindex = key->ifindex };
	struct nt_drop_ifname name = {};

	if (bpf_map_lookup_elem(&drops_ifnames, &nkey))
		return;
	bpf_probe_read_kernel_str(name.name, sizeof(name.name), dev->name);
	if (bpf_map_update_elem(&drops_ifnames, &nkey, &name, BPF_NOEXIST) == -E2BIG)
		count_lost(&drops_lost, LOST_AUX);
}

/*
 * A packet's addresses and ports as they lie from the IPv4 header's source
 * address (at 24 here) or the IPv6 one's (at 0) on: both addresses, then,
 * with no IPv4 options or IPv6 extension headers between, the ports.
 */
struct packet_ends {
	__u8 addrs[32];
	__be16 ports[2];
};

/*
 * The remote end of a packet a UDP socket with no peer (not connected) had:
 * its source when it came to the socket's port, its destination when it
 * left from it; a v6 socket's IPv4 packet as v4-mapped. One read where the
 * ports follow the addresses, else two.
 */
static __always_inline void peer_of_packet(struct sk_buff *skb, const struct nt_drop_key *key, struct nt_flow_id *id)
{
	unsigned char *head = skb->head;
	__u16 th = skb->transport_header;
	__u16 nh = skb->network_header;
	struct packet_ends p = {};
	bool v4 = key->eth_proto == ETH_P_IP;

	if (th == (__u16)~0U)
		return;
	if (v4) {
		if (th == nh + IP_DADDR + 4)
			bpf_probe_read_kernel(&p.addrs[24], 12, head + nh + IP_SADDR);
		else if (!bpf_probe_read_kernel(&p.addrs[24], 8, head + nh + IP_SADDR))
			bpf_probe_read_kernel(p.ports, 4, head + th);
	} else if (key->eth_proto == ETH_P_IPV6 && id->family == AF_INET6) {
		if (th == nh + IP6_DADDR + 16)
			bpf_probe_read_kernel(&p, sizeof(p), head + nh + IP6_SADDR);
		else if (!bpf_probe_read_kernel(p.addrs, 32, head + nh + IP6_SADDR))
			bpf_probe_read_kernel(p.ports, 4, head + th);
	} else {
		return;
	}
	bool in = bpf_ntohs(p.ports[1]) == id->lport;
	if (!in && bpf_ntohs(p.ports[0]) != id->lport)
		return;
	id->rport = bpf_ntohs(in ? p.ports[0] : p.ports[1]);
	if (!v4) {
		__builtin_memcpy(id->raddr, in ? &p.addrs[0] : &p.addrs[16], 16);
	} else if (id->family == AF_INET6) {
		id->raddr[10] = id->raddr[11] = 0xff;
		__builtin_memcpy(&id->raddr[12], in ? &p.addrs[24] : &p.addrs[28], 4);
	} else {
		__builtin_memcpy(id->raddr, in ? &p.addrs[24] : &p.addrs[28], 4);
	}
}

/*
 * A drop's flow as its socket names it; a UDP socket with no peer takes the
 * remote end from the packet (its own peer reads 0.0.0.0:0). Full sockets
 * of inet families only (the caller checks).
 */
static __always_inline void flow_of_sock(struct sk_buff *skb, struct sock *sk, const struct nt_drop_key *key, struct nt_flow_id *id)
{
	flow_id_of(&sk->__sk_common, id, true);
	if (id->rport == 0 && key->ip_proto == IPPROTO_UDP && sk->sk_protocol == IPPROTO_UDP)
		peer_of_packet(skb, key, id);
}

/* A socket's TCP state; 0 (none) for a socket of another protocol, whose state field is not one. */
static __always_inline __u8 tcp_state_of(struct sock *sk)
{
	return sk->sk_protocol == IPPROTO_TCP ? sk->__sk_common.skc_state : 0;
}

/*
 * The inode of the socket's file, for userspace to find its owner in
 * /proc/<pid>/fd when no process stamped one (a UDP socket that never sent
 * or read). Plain loads; 0 for a socket with no file.
 */
static __always_inline __u64 socket_inode(struct sock *sk)
{
	return sk->sk_socket->file->f_inode->i_ino;
}

static __always_inline void send_event(struct sk_buff *skb, void *location, __u32 reason, struct sock *sk, const struct nt_drop_key *key)
{
	if (!sampled_in(&drops_budget))
		return;
	struct nt_drop_event *e = bpf_ringbuf_reserve(&drops_events, sizeof(*e), 0);
	if (!e) {
		count_lost(&drops_lost, LOST_EVENT);
		return;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->location = (__u64)location;
	e->reason = reason;
	e->ifindex = key->ifindex;
	e->eth_proto = key->eth_proto;
	e->ip_proto = key->ip_proto;
	e->_pad[0] = e->_pad[1] = e->_pad[2] = 0;
	if (sk) {
		flow_of_sock(skb, sk, key, &e->id);
		copy_owner(sk, &e->pid, e->comm, &e->cgroup);
		e->ino = e->pid ? 0 : socket_inode(sk);
		e->state = tcp_state_of(sk);
		e->has_sock = 1;
	} else {
		flow_of_packet(skb, &e->id);
		e->id.netns = key->netns;
		e->pid = 0;
		__builtin_memset(e->comm, 0, sizeof(e->comm));
		e->cgroup = 0;
		e->ino = 0;
		e->state = 0;
		e->has_sock = 0;
	}
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

/* A drop a socket had: its flow's count, with the owner as of now. Full sockets of inet families only. */
static __always_inline void count_flow(struct sk_buff *skb, struct sock *sk, const struct nt_drop_key *key)
{
	__u16 family = sk->__sk_common.skc_family;
	if (family != AF_INET && family != AF_INET6)
		return;
	struct nt_drop_flow_key fkey;
	fkey.reason = key->reason;
	flow_of_sock(skb, sk, key, &fkey.id);
	struct nt_drop_flow *f = lookup_or_init(&drops_flows, &fkey, &zero_flow);
	if (!f) {
		count_lost(&drops_lost, LOST_ENTRY);
		return;
	}
	if (__sync_fetch_and_add(&f->count, 1) == 0)
		f->ino = socket_inode(sk); /* once per flow: the socket does not change */
	copy_owner(sk, &f->pid, f->comm, &f->cgroup);
	f->state = tcp_state_of(sk);
	f->protocol = sk->sk_protocol;
}

/*
 * Counts a drop for `key`: in this CPU's cache slot for it when it has one
 * (an array slot: no hash-map call), else in drops_counts. A program does
 * not run nested in itself on one CPU, so the slot needs no lock.
 */
static __always_inline __u64 count_drop(const struct net_device *dev, const struct nt_drop_key *key)
{
	const __u64 *k = (const __u64 *)key;
	__u32 i = (__u32)((k[0] ^ (k[0] >> 29) ^ k[1] ^ (k[1] >> 31)) * 0x9E3779B1u) >> 24;
	struct nt_drop_slot *slot = bpf_map_lookup_elem(&drops_cache, &i);

	if (slot) {
		const __u64 *sk = (const __u64 *)&slot->key;
		if (sk[0] == k[0] && sk[1] == k[1])
			return ++slot->count;
		if (slot->key.reason == 0) {
			if (dev)
				remember_name(dev, key);
			slot->key = *key;
			slot->count = 1;
			return 1;
		}
	}
	__u64 *n = bpf_map_lookup_elem(&drops_counts, key);
	if (!n) {
		if (dev)
			remember_name(dev, key);
		n = lookup_or_init(&drops_counts, key, &zero_count);
	}
	if (n)
		return ++*n; /* per-CPU: no atomic */
	count_lost(&drops_lost, LOST_ENTRY);
	return 0;
}

/*
 * In a storm, a key's drops after its 64th on a CPU are offered to the
 * sampler 1 in 64 (the rest counted as sampled out): the bucket's clock read
 * is the costliest step left on the per-drop path.
 */
#define STORM_AFTER 64

static __always_inline int on_drop(struct sk_buff *skb, void *location, __u32 reason, struct sock *sk)
{
	/* Frees that are not drops. */
	if (reason <= SKB_CONSUMED)
		return 0;
	struct net_device *dev = skb->dev;
	struct nt_drop_key key = { .reason = reason, .eth_proto = bpf_ntohs(skb->protocol) };

	if (!sk)
		sk = skb->sk;
	if (dev) {
		key.netns = dev->nd_net.net->ns.inum;
		key.ifindex = dev->ifindex;
	} else if (sk) {
		key.netns = sk->__sk_common.skc_net.net->ns.inum;
	}
	key.ip_proto = ip_proto_of(skb, key.eth_proto);

	__u64 seen = count_drop(dev, &key);
	if (sk)
		count_flow(skb, sk, &key);
	if (seen > STORM_AFTER && (seen & (STORM_AFTER - 1)))
		sampled_out(&drops_budget);
	else
		send_event(skb, location, reason, sk, &key);
	return 0;
}

/* Linux 6.11+: the receiving socket, where the stack had found one, as rx_sk. */
SEC("tp_btf/kfree_skb")
int BPF_PROG(nt_drop_rx_sk, struct sk_buff *skb, void *location, enum skb_drop_reason reason, struct sock *rx_sk)
{
	return on_drop(skb, location, reason, rx_sk);
}

/* Linux 5.17 to 6.10: the reason, and the socket the skb belongs to. */
SEC("tp_btf/kfree_skb")
int BPF_PROG(nt_drop, struct sk_buff *skb, void *location, enum skb_drop_reason reason)
{
	return on_drop(skb, location, reason, NULL);
}

/* Owner stamps, left out when another object's are shared (source/kernel/owners.ts). */
OWNER_LENGTH_PROGRAMS(nt_drp_own_tx, nt_drp_own_rx)
OWNER_STATE_PROGRAM(nt_drp_own_st)
