// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Latency by layer: 1 packet in N timed from hook to hook (send: stack, qdisc, driver, by skb, a cut one by its first segment; receive: socket, by TCP sequence), sent whole to a ring. */
#include "vmlinux.h"
#include "latency.h"
#include "bits.bpf.h"
#include "flow.bpf.h"
#include "owner.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/*
 * A kfunc (Linux 6.2+) the verifier turns into a plain move. Weak: on older
 * kernels the object loads without it, and nettop leaves out nt_lat_copy,
 * the program that uses it, for nt_lat_copy_pr.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

#define NETDEV_TX_BUSY 0x10
#define SKB_CLOCK_MONOTONIC 1
#define TCP_TIME_WAIT 6
#define TCP_NEW_SYN_RECV 12

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LAT_INFLIGHT_MAX);
	__type(key, struct nt_lat_key);
	__type(value, struct nt_lat_packet);
} lat_tx SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LAT_INFLIGHT_MAX);
	__type(key, struct nt_lat_flow_key);
	__type(value, struct nt_lat_packet);
} lat_rxf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LAT_SEG_MAX);
	__type(key, struct nt_lat_seg_key);
	__type(value, struct nt_lat_packet);
} lat_seg SEC(".maps");

/* LAT_SEND's slots, then LAT_RECV's, then LAT_SEG's. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3 * LAT_GATE_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nt_lat_gate);
} lat_gate SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct nt_lat_tick);
} lat_tick SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LAT_RING_BYTES);
} lat_packets SEC(".maps");

/* Never used: puts the layouts into the object's BTF, for the layout test. */
const struct nt_lat_key *_nt_lat_key_btf __attribute__((unused));
const struct nt_lat_flow_key *_nt_lat_flow_key_btf __attribute__((unused));
const struct nt_lat_seg_key *_nt_lat_seg_key_btf __attribute__((unused));
const struct nt_lat_packet *_nt_lat_packet_btf __attribute__((unused));
const struct nt_lat_tick *_nt_lat_tick_btf __attribute__((unused));
const struct nt_lat_gate *_nt_lat_gate_btf __attribute__((unused));

LOST_COUNTERS(lat_lost)

/*
 * Set for good when a cut packet is first followed on in lat_seg: until then
 * no packet can be a followed one's first segment, and nt_lat_start leaves
 * LAT_SEG's gate alone (a cache line a packet fewer).
 */
__u32 lat_cut_seen;

/* Before Linux 6.11 the stamp's clock was one bit. */
struct sk_buff___mono {
	__u8 mono_delivery_time : 1;
} __attribute__((preserve_access_index));

/* Gate slot `slot` of `part` (LAT_SEND, LAT_RECV, LAT_SEG). */
static __always_inline struct nt_lat_gate *gate_at(__u32 slot, __u32 part)
{
	__u32 i = part * LAT_GATE_SLOTS + (slot & (LAT_GATE_SLOTS - 1));

	return bpf_map_lookup_elem(&lat_gate, &i);
}

/*
 * The gate slot of an skb. A 32-bit copy of a pointer is a number to the
 * verifier (for a program loaded with CAP_PERFMON): no helper call needed
 * to hash the address.
 */
static __always_inline __u32 skb_slot(const void *skb)
{
	__u32 lo;

	/* A 32-bit move (w = w): the compiler's own truncation would shift the pointer. */
	asm volatile("%[lo] = %[p]" : [lo] "=w"(lo) : [p] "w"((__u32)(unsigned long)skb));
	return LAT_SKB_SLOT(lo);
}

static __always_inline struct nt_lat_gate *gate(const void *skb, int dir)
{
	return gate_at(skb_slot(skb), dir);
}

/*
 * Whether a followed packet may sit at this slot: the only test a packet
 * that was not sampled pays after the first hook (no hash lookup while its
 * slot holds none).
 */
static __always_inline bool following(struct nt_lat_gate *g)
{
	return READ_ONCE(g->taken) != READ_ONCE(g->done) + READ_ONCE(g->swept);
}

/* Whether this packet is the 1 in `every` on this CPU. */
static __always_inline bool tick(__u32 dir)
{
	struct nt_lat_tick *t = bpf_map_lookup_elem(&lat_tick, &dir);

	if (!t || !t->every)
		return false;
	if (t->count + 1 < t->every) {
		t->count += 1;
		return false;
	}
	t->count = 0;
	return true;
}

/* The 4 bytes at the transport header + 4: TCP's sequence number, UDP's length and checksum. */
static __always_inline __u32 l4_word(unsigned char *head, __u32 l4)
{
	__u32 word = 0;

	bpf_probe_read_kernel(&word, sizeof(word), head + l4 + 4);
	return word;
}

struct headers {
	__u32 l4;      /* offset of the transport header from head */
	__s32 payload; /* TCP: bytes after its header; UDP: its length */
	__u8 proto;
};

/* The flow of a TCP or UDP packet from its IP header at head + l3 (flow.bpf.h), and where its payload is. False for others. */
static __always_inline bool parse(unsigned char *head, __u32 l3, bool local_is_src, struct nt_flow_id *id, struct headers *h)
{
	__u32 len = 0;
	__u16 after = 0;
	__u8 doff = 0;

	h->proto = ip_of_packet(head, l3, local_is_src, id, &len, &after);
	if (h->proto != IPPROTO_TCP && h->proto != IPPROTO_UDP) {
		h->proto = 0;
		return false;
	}
	h->l4 = l3 + len;
	ports_of_packet(head, h->l4, local_is_src, id);
	if (h->proto == IPPROTO_TCP) {
		bpf_probe_read_kernel(&doff, 1, head + h->l4 + 12);
		h->payload = (__s32)after - (doff >> 4) * 4;
	} else {
		h->payload = after;
	}
	return true;
}

/* The index and name with plain loads; the namespace with probe reads (a pointer loaded from dev: docs/kernels.md). */
static __always_inline void device(struct nt_lat_packet *p, const struct net_device *dev)
{
	p->ifindex = dev->ifindex;
	p->id.netns = BPF_CORE_READ(dev, nd_net.net, ns.inum);
	__builtin_memcpy(p->ifname, dev->name, sizeof(p->ifname));
}

static __always_inline void start(struct nt_lat_packet *p, __u64 now, __u8 dir)
{
	__builtin_memset(p, 0, sizeof(*p));
	p->ts_ns = now;
	p->last_ns = now;
	for (int i = 0; i < LAT_STAGES; i++)
		p->stage_ns[i] = LAT_NONE;
	p->dir = dir;
}

/* Follows a sampled packet. An entry left by a packet the hooks lost at the same address is replaced (and counted). False when the map is full (counted lost). */
static __always_inline bool follow(void *map, void *key, struct nt_lat_packet *p, struct nt_lat_gate *d)
{
	long err;

	if (!d)
		return false;
	err = bpf_map_update_elem(map, key, p, BPF_NOEXIST);
	if (err == -17 /* EEXIST */) {
		if (bpf_map_update_elem(map, key, p, BPF_EXIST))
			return false;
		__sync_fetch_and_add(&d->done, 1);
		__sync_fetch_and_add(&d->untimed, 1);
	} else if (err) {
		count_lost(&lat_lost, LOST_ENTRY);
		return false;
	}
	__sync_fetch_and_add(&d->taken, 1);
	return true;
}

/* Stops following: the entry's packet is done, or (untimed) was another or cannot be timed. False when userspace swept it meanwhile. */
static __always_inline bool unfollow(void *map, void *key, struct nt_lat_gate *d, bool untimed)
{
	if (bpf_map_delete_elem(map, key))
		return false;
	__sync_fetch_and_add(&d->done, 1);
	if (untimed)
		__sync_fetch_and_add(&d->untimed, 1);
	return true;
}

/*
 * The packet, done (untimed: lost to segmentation, sent for its interface's
 * count), into the ring: copied before its entry goes (another CPU may reuse
 * the entry's memory).
 */
static __always_inline void finish(void *map, void *key, struct nt_lat_packet *p, struct nt_lat_gate *g, bool untimed)
{
	struct nt_lat_packet *r = bpf_ringbuf_reserve(&lat_packets, sizeof(*r), 0);

	if (!r) {
		count_lost(&lat_lost, LOST_EVENT);
		unfollow(map, key, g, untimed);
		return;
	}
	__builtin_memcpy(r, p, sizeof(*r));
	if (unfollow(map, key, g, untimed))
		bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	else
		bpf_ringbuf_discard(r, BPF_RB_NO_WAKEUP);
}

/* TCP's departure stamp is CLOCK_MONOTONIC: said by the skb since Linux 5.18, always so before. */
static __always_inline bool mono_stamp(struct sk_buff *skb)
{
	if (bpf_core_field_exists(skb->tstamp_type))
		return BPF_CORE_READ_BITFIELD(skb, tstamp_type) == SKB_CLOCK_MONOTONIC;
	if (bpf_core_field_exists(((struct sk_buff___mono *)skb)->mono_delivery_time))
		return BPF_CORE_READ_BITFIELD((struct sk_buff___mono *)skb, mono_delivery_time);
	return true;
}

static __always_inline __u32 send_fp(const struct sk_buff *skb)
{
	__u16 th = skb->transport_header;
	return skb->len ^ (th == (__u16)~0U ? 0 : l4_word(skb->head, th));
}

/* skb_shinfo(skb)->gso_size: non-zero for a GSO packet. */
static __always_inline __u16 gso_size(const struct sk_buff *skb)
{
	struct skb_shared_info *sh = (void *)(skb->head + skb->end);

	return BPF_CORE_READ(sh, gso_size);
}

/* The packets it leaves as: a GSO packet's segments, else 1 (as qdisc_bstats_update counts). */
static __always_inline __u16 wire_packets(const struct sk_buff *skb)
{
	struct skb_shared_info *sh = (void *)(skb->head + skb->end);

	return BPF_CORE_READ(sh, gso_size) ? BPF_CORE_READ(sh, gso_segs) : 1;
}

/* Send, first hook: the device queue. The stack stage ends here. */
SEC("tp_btf/net_dev_queue")
int BPF_PROG(nt_lat_queue, struct sk_buff *skb)
{
	struct nt_lat_packet p;
	struct nt_lat_key key = {};
	struct headers h = {};
	struct sock *sk;
	__u64 now;

	if (!tick(LAT_SEND))
		return 0;
	now = bpf_ktime_get_ns();
	start(&p, now, LAT_SEND);
	device(&p, skb->dev);
	key.skb = (__u64)skb;
	key.ifindex = p.ifindex;
	p.len = skb->len;
	p.fp = send_fp(skb);
	p.queue = skb->queue_mapping;
	p.segs = wire_packets(skb);
	if (skb->network_header != (__u16)~0U && parse(skb->head, skb->network_header, true, &p.id, &h))
		p.proto = h.proto;
	sk = skb->sk;
	/* A SYN-ACK's socket is the request's, which has no sk_protocol; a time-wait's sends through a full one. */
	if (sk && (sk->__sk_common.skc_state == TCP_NEW_SYN_RECV || (sk->__sk_common.skc_state != TCP_TIME_WAIT && sk->sk_protocol == IPPROTO_TCP)) && mono_stamp(skb)) {
		__u64 stamp = skb->tstamp;
		if (stamp && stamp <= now)
			p.stage_ns[LAT_STACK] = now - stamp;
		else if (stamp)
			p.flags |= LAT_PACED;
	}
	if (sk)
		copy_owner(sk, &p.pid, p.comm, &p.cgroup);
	follow(&lat_tx, &key, &p, gate(skb, LAT_SEND));
	return 0;
}

/*
 * A followed GSO packet freed before the driver took it: cut into segments
 * in software (tbf_segment and other qdiscs for a packet over their size,
 * validate_xmit_skb for a device that cannot take it whole), new skbs. A
 * TCP packet is followed on by what its first segment keeps (lat_seg);
 * another cannot be, and goes to the ring untimed, for its interface's
 * count. The kernel frees it after queueing its segments, before any
 * reaches the driver (under the qdisc's lock, or on the same path).
 */
SEC("tp_btf/consume_skb")
int BPF_PROG(nt_lat_cut, struct sk_buff *skb)
{
	struct nt_lat_gate *g = gate(skb, LAT_SEND), *s;
	struct nt_lat_seg_key sk = {};
	struct nt_lat_key key = {};
	struct nt_lat_packet *p;
	long err;

	if (!g || !following(g))
		return 0;
	key.skb = (__u64)skb;
	key.ifindex = BPF_CORE_READ(skb, dev, ifindex);
	p = bpf_map_lookup_elem(&lat_tx, &key);
	if (!p || p->stage_ns[LAT_QDISC] != LAT_NONE || p->fp != send_fp(skb) || !gso_size(skb))
		return 0;
	p->flags |= LAT_CUT;
	p->last_ns = bpf_ktime_get_ns();
	if (p->proto == IPPROTO_TCP) {
		sk.ifindex = key.ifindex;
		sk.hash = skb->hash;
		sk.seq = l4_word(skb->head, skb->transport_header);
		s = gate_at(LAT_SEG_SLOT(sk.hash), LAT_SEG);
		/* Before the entry: its first segment reaches the driver after this free. */
		if (!READ_ONCE(lat_cut_seen))
			WRITE_ONCE(lat_cut_seen, 1);
		err = s ? bpf_map_update_elem(&lat_seg, &sk, p, BPF_NOEXIST) : -17;
		if (!err)
			__sync_fetch_and_add(&s->taken, 1);
		if (err != -17 /* EEXIST: another packet's key */) {
			if (err)
				count_lost(&lat_lost, LOST_ENTRY);
			unfollow(&lat_tx, &key, g, false);
			return 0;
		}
	}
	finish(&lat_tx, &key, p, g, true);
	return 0;
}

/*
 * A packet's first segment reaches the driver: its qdisc stage ends, and it
 * is followed on in lat_tx by that segment, to its driver's return.
 */
static __always_inline void first_segment(const struct sk_buff *skb, const struct net_device *dev, struct nt_lat_gate *g)
{
	struct nt_lat_seg_key sk = {};
	struct nt_lat_key key = {};
	struct nt_lat_packet *p, copy;
	struct nt_lat_gate *s;
	__u16 th;
	__u64 now;

	if (!READ_ONCE(lat_cut_seen))
		return;
	sk.hash = skb->hash;
	s = gate_at(LAT_SEG_SLOT(sk.hash), LAT_SEG);
	th = skb->transport_header;
	if (!s || !following(s) || th == (__u16)~0U)
		return;
	sk.ifindex = dev->ifindex;
	sk.seq = l4_word(skb->head, th);
	p = bpf_map_lookup_elem(&lat_seg, &sk);
	if (!p)
		return;
	__builtin_memcpy(&copy, p, sizeof(copy));
	if (bpf_map_delete_elem(&lat_seg, &sk))
		return; /* swept meanwhile */
	__sync_fetch_and_add(&s->done, 1);
	now = bpf_ktime_get_ns();
	copy.stage_ns[LAT_QDISC] = now - copy.ts_ns;
	copy.last_ns = now;
	copy.queue = skb->queue_mapping;
	copy.fp = send_fp(skb);
	key.skb = (__u64)skb;
	key.ifindex = sk.ifindex;
	if (!follow(&lat_tx, &key, &copy, g))
		__sync_fetch_and_add(&s->untimed, 1); /* lost (counted): sampled once, not twice */
}

/* The driver takes it: the qdisc stage ends (again, when a busy driver had it requeued); or it is a followed packet's first segment. */
SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(nt_lat_start, const struct sk_buff *skb, const struct net_device *dev)
{
	struct nt_lat_gate *g = gate(skb, LAT_SEND);
	struct nt_lat_key key = {};
	struct nt_lat_packet *p;
	__u64 now;

	if (!g)
		return 0;
	if (following(g)) {
		key.skb = (__u64)skb;
		key.ifindex = dev->ifindex;
		p = bpf_map_lookup_elem(&lat_tx, &key);
		if (p && p->fp == send_fp(skb)) {
			now = bpf_ktime_get_ns();
			p->stage_ns[LAT_QDISC] = now - p->ts_ns;
			p->last_ns = now;
			p->queue = skb->queue_mapping;
			return 0;
		}
		if (p)
			unfollow(&lat_tx, &key, g, true);
	}
	first_segment(skb, dev, g);
	return 0;
}

/* The driver returned: the driver stage ends. The skb may be gone already: only its address is used. */
SEC("tp_btf/net_dev_xmit")
int BPF_PROG(nt_lat_xmit, struct sk_buff *skb, int rc, struct net_device *dev, unsigned int skb_len)
{
	struct nt_lat_gate *g = gate(skb, LAT_SEND);
	struct nt_lat_key key = {};
	struct nt_lat_packet *p;

	if (!g || !following(g) || rc == NETDEV_TX_BUSY)
		return 0;
	key.skb = (__u64)skb;
	key.ifindex = dev->ifindex;
	p = bpf_map_lookup_elem(&lat_tx, &key);
	if (!p || p->stage_ns[LAT_QDISC] == LAT_NONE)
		return 0;
	p->stage_ns[LAT_DRIVER] = bpf_ktime_get_ns() - p->last_ns;
	finish(&lat_tx, &key, p, g, false);
	return 0;
}

/*
 * Receive, first hook. Of the packets sampled, TCP segments with data are
 * followed, by connection, one at a time (a pure ACK is never copied out; a
 * connection's next sample waits for the last). Not UDP: the kernel copies a
 * linear datagram out without a tracepoint, and may free it on another CPU
 * (docs/latency.md).
 */
SEC("tp_btf/netif_receive_skb")
int BPF_PROG(nt_lat_recv, struct sk_buff *skb)
{
	struct nt_lat_flow_key key = {};
	struct nt_lat_packet p;
	struct headers h = {};
	struct nt_lat_gate *g;
	unsigned char *head;

	if (!tick(LAT_RECV))
		return 0;
	start(&p, bpf_ktime_get_ns(), LAT_RECV);
	head = skb->head;
	/* The network header is where data points: it may not be reset yet. */
	if (!parse(head, skb->data - head, false, &p.id, &h) || h.proto != IPPROTO_TCP || h.payload <= 0)
		return 0;
	p.proto = h.proto;
	p.len = skb->len;
	device(&p, skb->dev);
	key.lport = p.id.lport;
	key.rport = p.id.rport;
	__builtin_memcpy(&key.raddr, &p.id.raddr[p.id.family == AF_INET6 ? 12 : 0], 4);
	g = gate_at(LAT_FLOW_SLOT(key.lport, key.rport), LAT_RECV);
	p.fp = bpf_ntohl(l4_word(head, h.l4));
	/* One at a time: a connection with a packet followed keeps it. */
	if (g && !bpf_map_update_elem(&lat_rxf, &key, &p, BPF_NOEXIST))
		__sync_fetch_and_add(&g->taken, 1);
	return 0;
}

/* The reader copies it out: the packet ends; its owner is the reader (process context). */
static __always_inline void copied(void *map, void *key, struct nt_lat_packet *p, struct nt_lat_gate *g)
{
	__u64 now = bpf_ktime_get_ns();

	p->stage_ns[LAT_SOCKET] = now - p->ts_ns;
	p->last_ns = now;
	p->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(p->comm, sizeof(p->comm));
	p->cgroup = bpf_get_current_cgroup_id();
	finish(map, key, p, g, false);
}

/*
 * TCP: this copy takes bytes [copied_seq, copied_seq + len) of the
 * connection (tcp_recvmsg moves copied_seq after it): the followed packet's
 * first byte among them ends it, whichever skb now holds it.
 */
static __always_inline void tcp_copy(struct sock *sk, int len, bool cast)
{
	struct nt_lat_flow_key key = { .lport = sk->__sk_common.skc_num, .rport = bpf_ntohs(sk->__sk_common.skc_dport) };
	struct nt_lat_gate *g = gate_at(LAT_FLOW_SLOT(key.lport, key.rport), LAT_RECV);
	struct nt_lat_packet *p;
	__s32 ahead;

	if (!g || !following(g))
		return;
	key.raddr = sk->__sk_common.skc_family == AF_INET6 ? sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32[3] : sk->__sk_common.skc_daddr;
	p = bpf_map_lookup_elem(&lat_rxf, &key);
	if (!p)
		return;
	/*
	 * The hook is TCP's: the socket is a tcp_sock. Its pointer here is
	 * RCU's, which the checked cast helpers refuse: bpf_rdonly_cast and a
	 * plain load, else a probe read.
	 */
	__u32 copied_seq = cast ? ((struct tcp_sock *)bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct tcp_sock)))->copied_seq : BPF_CORE_READ((struct tcp_sock *)sk, copied_seq);
	ahead = (__s32)(p->fp - copied_seq);
	if (ahead >= len)
		return; /* not yet */
	if (ahead < 0) {
		unfollow(&lat_rxf, &key, g, true); /* its byte went by unseen (a copy without this hook) */
		return;
	}
	copied(&lat_rxf, &key, p, g);
}

static __always_inline void on_copy(const struct sk_buff *skb, int len, bool cast)
{
	/* A TCP skb in a receive queue has its socket. */
	struct sock *sk = skb->sk;

	if (sk && sk->sk_protocol == IPPROTO_TCP)
		tcp_copy(sk, len, cast);
}

SEC("tp_btf/skb_copy_datagram_iovec")
int BPF_PROG(nt_lat_copy, const struct sk_buff *skb, int len)
{
	on_copy(skb, len, true);
	return 0;
}

/* The same without bpf_rdonly_cast: a probe read. */
SEC("tp_btf/skb_copy_datagram_iovec")
int BPF_PROG(nt_lat_copy_pr, const struct sk_buff *skb, int len)
{
	on_copy(skb, len, false);
	return 0;
}

/* Owner stamps for the send side, left out when another object's are shared (source/kernel/owners.ts). */
OWNER_LENGTH_PROGRAMS(nt_lat_own_tx, nt_lat_own_rx)
OWNER_STATE_PROGRAM(nt_lat_own_st)
