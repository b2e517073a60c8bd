/* retrans.bpf.c: one event per retransmit. Mirrored in source/features/retrans/layouts.ts. */
#ifndef NETTOP_RETRANS_H
#define NETTOP_RETRANS_H

#include "nettop.h"

#define RETRANS_RING_BYTES (1 << 19) /* 5,041 records of 104 bytes between two drains (every 250 ms: 20,000 retransmits a second); more are counted as lost */

#define KIND_DATA 0   /* data retransmit (RTO or fast retransmit) */
#define KIND_TLP 1    /* data retransmit sent as a tail loss probe */
#define KIND_SYN 2    /* SYN retransmit (state SYN_SENT) */
#define KIND_SYNACK 3 /* SYN-ACK retransmit by a listener */

struct nt_retrans_event {
	__u64 ts_ns;  /* CLOCK_MONOTONIC */
	__u64 cookie; /* 0 for SYN-ACKs: the request sock is not the connection's */
	struct nt_flow_id id;
	__u32 pid;    /* socket owner from sk_owner, 0 when unknown */
	__u8 comm[COMM_LEN];
	__u32 segs;   /* segments in the retransmitted skb: what TcpRetransSegs adds */
	__u8 state;   /* TCP state (include/net/tcp_states.h) */
	__u8 kind;    /* KIND_* */
	__u16 _pad;
	__u64 cgroup; /* the owner's cgroup v2 id */
};
_Static_assert(sizeof(struct nt_retrans_event) == 96, "nt_retrans_event layout");

#endif /* NETTOP_RETRANS_H */
