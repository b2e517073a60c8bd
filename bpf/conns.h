/* conns.bpf.c: per-namespace TCP connection counters and connection events. Mirrored in source/features/conns/layouts.ts. */
#ifndef NETTOP_CONNS_H
#define NETTOP_CONNS_H

#include "nettop.h"

#define CONNS_RING_BYTES (1 << 23) /* with every event (--conn-events 0): 65,536 records of 128 bytes between two drains (every 250 ms); a sampled list sets a size from its rate at load (source/kernel/sampling.ts); more are counted as lost */
#define CONNS_NETNS_MAX 4096       /* namespaces counted; entries live as long as nettop (docs/connections.md) */

/*
 * What each namespace's counters add up, as the kernel's own Tcp MIB
 * counters grow (docs/connections.md says which transition is which).
 * Summed over the CPUs in u64 arithmetic: active_opens takes back
 * connects that never sent their SYN, so one CPU's slot can wrap below zero.
 */
struct nt_conn_counts {
	__u64 active_opens;  /* TcpActiveOpens */
	__u64 passive_opens; /* TcpPassiveOpens */
	__u64 attempt_fails; /* TcpAttemptFails */
	__u64 estab_resets;  /* TcpEstabResets */
	__u64 out_rsts;      /* TcpOutRsts */
	__u64 in_rsts;       /* RSTs received by full sockets (no MIB counter) */
};
_Static_assert(sizeof(struct nt_conn_counts) == 48, "nt_conn_counts layout");

#define CONN_CONNECT 0   /* an active open completed (SYN_SENT -> ESTABLISHED) */
#define CONN_ACCEPT 1    /* accept() returned the connection */
#define CONN_CLOSE 2     /* a connection that was established closed */
#define CONN_FAIL 3      /* an open that never got established */
#define CONN_RESET_IN 4  /* an RST received */
#define CONN_RESET_OUT 5 /* an RST sent */

#define DIR_UNKNOWN 0
#define DIR_ACTIVE 1  /* this end connected */
#define DIR_PASSIVE 2 /* this end accepted */

#define FLAG_NO_SYN 1   /* fail: the connect gave up before sending its SYN (no port, no route, no memory) */
#define FLAG_STARTED 2  /* close: nettop saw the connection start (duration_ns is its lifetime) */
#define FLAG_NO_SOCK 4  /* reset_out: no socket for the segment (a closed port): no owner, flow from the segment */
#define FLAG_ABORT 8    /* close: from ESTABLISHED or CLOSE_WAIT straight to CLOSE (what TcpEstabResets counts) */

struct nt_conn_event {
	__u64 ts_ns;       /* CLOCK_MONOTONIC */
	__u64 duration_ns; /* close: since SYN_SENT or SYN_RECV, when FLAG_STARTED */
	__u64 tx_bytes;    /* close: bytes_acked over the connection's life */
	__u64 rx_bytes;    /* close: bytes_received */
	struct nt_flow_id id;
	__u32 pid;         /* owner; 0 when unknown */
	__u8 comm[COMM_LEN];
	__u32 latency_us;  /* connect: SYN_SENT to ESTABLISHED */
	__u16 err;         /* fail: sk_err (errno) at the close */
	__u8 type;         /* CONN_* */
	__u8 dir;          /* DIR_* */
	__u8 state;        /* the TCP state it left (close, fail, reset) */
	__u8 flags;        /* FLAG_* */
	__u16 _pad1;
	__u32 _pad2;
	__u64 cgroup;      /* the owner's cgroup v2 id */
};
_Static_assert(sizeof(struct nt_conn_event) == 120, "nt_conn_event layout");

/* Socket storage: when a connection started, and from which end. Freed with the socket. */
struct nt_conn_life {
	__u64 start_ns;
	__u8 dir;
	__u8 _pad[7];
};
_Static_assert(sizeof(struct nt_conn_life) == 16, "nt_conn_life layout");

#endif /* NETTOP_CONNS_H */
