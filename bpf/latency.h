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
#define LAT_SEG 2 /* lat_gate's third part: lat_seg's slots */

#define LAT_PACED 1 /* flags: TCP's departure stamp lay ahead (the qdisc paces it, fq): no stack time */
#define LAT_CUT 2   /* flags: segmented in software before the driver (a qdisc's, validate_xmit_skb): its qdisc and driver stages are its first segment's */

/*
 * The sampled packets on their way. lat_tx: by skb address and interface (a
 * packet passes stacked devices one inside the other); lat_rxf (TCP): by
 * connection, one at a time, matched by sequence number when the reader
 * copies that byte (TCP merges queued skbs into one: docs/latency.md);
 * lat_seg (TCP): a packet cut into segments in software, until its first
 * segment, a new skb, reaches the driver (then in lat_tx again, by that
 * segment). An entry is deleted by the hook that ends the packet; one the
 * hooks lose (freed, never read, its first segment dropped) is deleted by
 * userspace after STALE_MS (source/features/latency/loaded.ts). Full:
 * LOST_ENTRY.
 */
#define LAT_INFLIGHT_MAX 16384
#define LAT_SEG_MAX 4096 /* cut packets waiting for their first segment: a queue of 256 MB of 64 KB packets at 1 in 1 */
#define LAT_RING_BYTES (1 << 19) /* 3,120 records of 168 bytes between two drains (every 250 ms: 12,480 packets a second); more are counted as lost */

/* lat_tx's key. */
struct nt_lat_key {
	__u64 skb;
	__u32 ifindex; /* the device */
	__u32 _pad;
};
_Static_assert(sizeof(struct nt_lat_key) == 16, "nt_lat_key layout");

/*
 * lat_seg's key: what a TCP packet's first segment keeps of it (skb_segment
 * copies the hash; the first segment starts at its sequence number), and
 * the device.
 */
struct nt_lat_seg_key {
	__u32 ifindex;
	__u32 hash; /* skb->hash */
	__u32 seq;  /* the TCP sequence number, as in the header (network order) */
	__u32 _pad;
};
_Static_assert(sizeof(struct nt_lat_seg_key) == 16, "nt_lat_seg_key layout");

/*
 * lat_rxf's key: a TCP connection by its ports (host order) and the last 4
 * bytes of its remote address (IPv4's whole, as an IPv4-mapped socket has
 * it too), all read from the socket without a pointer chase.
 */
struct nt_lat_flow_key {
	__u32 raddr;
	__u16 lport;
	__u16 rport;
};
_Static_assert(sizeof(struct nt_lat_flow_key) == 8, "nt_lat_flow_key layout");

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
	__u32 fp;      /* by skb: the packet's fingerprint (an skb address reused by another packet does not match); TCP receive: its sequence number */
	__u16 queue;   /* send: the device queue it went out on */
	__u16 segs;    /* send: the packets it leaves as (a GSO packet's segments, else 1), as a qdisc's statistics count them */
	__u8 dir;      /* LAT_SEND or LAT_RECV */
	__u8 proto;    /* IPPROTO_* of the transport header; 0 when not TCP or UDP */
	__u8 flags;    /* LAT_PACED, LAT_CUT */
	__u8 _pad[5];
};
_Static_assert(sizeof(struct nt_lat_packet) == 160, "nt_lat_packet layout");

/*
 * lat_gate: LAT_GATE_SLOTS counters for each of lat_tx (LAT_SEND, by a hash
 * of the skb's address), lat_rxf (LAT_RECV, of the connection's ports) and
 * lat_seg (LAT_SEG, of skb->hash), mapped by userspace (BPF_F_MMAPABLE). A
 * hook after the first looks a packet up only while its slot may hold a
 * followed one: taken != done + swept. Its cache line is all a packet not
 * followed costs.
 */
#define LAT_GATE_BITS 10
#define LAT_GATE_SLOTS (1 << LAT_GATE_BITS)

struct nt_lat_gate {
	__u64 taken;    /* kernel: entries made */
	__u64 done;     /* kernel: entries its programs deleted */
	__u64 untimed;  /* kernel: of done, entries that ended without a time (lat_tx: another packet at the same address, or cut into segments that cannot be followed; lat_rxf: its byte copied unseen; lat_seg: lat_tx full when its first segment came, counted lost) */
	__u64 swept;    /* userspace: stale entries it deleted */
};
_Static_assert(sizeof(struct nt_lat_gate) == 32, "nt_lat_gate layout");

/*
 * lat_tick: per CPU and direction, the sampling's count and rate, in one
 * value so the first hook reads one cache line.
 */
struct nt_lat_tick {
	__u32 count; /* kernel: packets since the last one sampled */
	__u32 every; /* userspace: sample 1 packet in `every`; 0: none */
};
_Static_assert(sizeof(struct nt_lat_tick) == 8, "nt_lat_tick layout");

/* Gate slots (source/features/latency/layouts.ts computes the same): of a number; of an skb address's low 32 bits; of a connection's ports; of an skb's hash. */
#define LAT_HASH(x) (((__u32)(x) * 0x9E3779B9U) >> (32 - LAT_GATE_BITS))
#define LAT_SKB_SLOT(lo) LAT_HASH((__u32)(lo) >> 6)
#define LAT_FLOW_SLOT(lport, rport) LAT_HASH(((__u32)(lport) << 16) | (rport))
#define LAT_SEG_SLOT(hash) LAT_HASH(hash)

#endif /* NETTOP_LATENCY_H */
