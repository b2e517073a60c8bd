/* latency.bpf.c: sampled packets timed through the stack's layers. Mirrored in source/features/latency/layouts.ts. */
#ifndef NETTOP_LATENCY_H
#define NETTOP_LATENCY_H

#include "nettop.h"

#define LAT_STAGES 4
#define LAT_STACK 0  /* send: TCP's departure stamp -> net_dev_queue */
#define LAT_QDISC 1  /* send: net_dev_queue -> net_dev_start_xmit */
#define LAT_DRIVER 2 /* send: net_dev_start_xmit -> net_dev_xmit */
#define LAT_SOCKET 3 /* receive: netif_receive_skb -> skb_copy_datagram_iovec */
#define LAT_NONE (~0ULL) /* a stage the packet did not pass or that could not be timed */

#define LAT_SEND 0
#define LAT_RECV 1

#define LAT_PACED 1 /* flags: TCP's departure stamp lay ahead (the qdisc paces it, fq): no stack time */

/*
 * lat_tx / lat_rx: the sampled packets on their way, by skb address (and
 * interface, on send: a packet passes stacked devices one inside the other).
 * An entry is deleted by the hook that ends the packet; one the hooks lose
 * (merged into another skb, segmented, freed by a qdisc) is deleted by
 * userspace after LAT_STALE_S seconds. Full: counted as LOST_ENTRY.
 */
#define LAT_INFLIGHT_MAX 16384
#define LAT_RING_BYTES (1 << 21) /* 13,107 packets between two reads; more are counted as lost */

struct nt_lat_key {
	__u64 skb;
	__u32 ifindex; /* send: the device; receive: 0 */
	__u32 _pad;
};
_Static_assert(sizeof(struct nt_lat_key) == 16, "nt_lat_key layout");

/* One sampled packet: the in-flight entry while it is followed, the ring record once it is done. */
struct nt_lat_packet {
	__u64 ts_ns;   /* first hook (net_dev_queue, netif_receive_skb), CLOCK_MONOTONIC */
	__u64 last_ns; /* the last hook it passed */
	__u64 stage_ns[LAT_STAGES];
	__u64 cgroup;  /* owner's cgroup v2 id: the socket's stamp (send), the reader's (receive) */
	struct nt_flow_id id; /* from the headers, local end first; netns: the device's */
	__u32 ifindex;
	__u8 ifname[COMM_LEN];
	__u8 comm[COMM_LEN];
	__u32 pid;     /* owner: the socket's stamp (send), the reader (receive); 0 when none */
	__u32 len;     /* skb->len at the first hook */
	__u32 fp;      /* the packet's fingerprint: an skb address reused by another packet does not match */
	__u16 queue;   /* send: the device queue it went out on */
	__u8 dir;      /* LAT_SEND or LAT_RECV */
	__u8 proto;    /* IPPROTO_* of the transport header; 0 when not TCP or UDP */
	__u8 flags;    /* LAT_PACED */
	__u8 _pad[7];
};
_Static_assert(sizeof(struct nt_lat_packet) == 160, "nt_lat_packet layout");

/*
 * lat_ctl: one value, mapped by userspace (BPF_F_MMAPABLE). Programs after
 * the first hook look a packet up only while some entry may be in flight:
 * taken > done + swept. Each counter has one writer kind (noted).
 */
struct nt_lat_ctl {
	__u32 every;       /* userspace: sample 1 packet in `every` at the first hook; 0: none */
	__u32 _pad;
	__u64 swept[2];    /* userspace: stale entries it deleted, per direction */
	__u64 taken[2];    /* kernel: entries made */
	__u64 done[2];     /* kernel: entries its programs deleted */
	__u64 replaced[2]; /* kernel: of done, entries found for another packet at the same address */
};
_Static_assert(sizeof(struct nt_lat_ctl) == 72, "nt_lat_ctl layout");

#endif /* NETTOP_LATENCY_H */
