/* tcp.bpf.c: bytes per process and TCP connection or UDP socket. Mirrored in source/features/tcp/layouts.ts. */
#ifndef NETTOP_TCP_H
#define NETTOP_TCP_H

#include "nettop.h"

/*
 * tcp_vals: slot table of monotonic counters per (socket cookie, pid);
 * tcp_index: HASH (cookie, pid) -> slot, for the first send of a process on a
 * socket. Both freed by userspace once the slot is closed. A flow that finds
 * no slot counts as LOST_ENTRY. Sized for tens of thousands of live sockets
 * plus an interval's churn.
 */
#define TCP_MAX_FLOWS 65536 /* a power of two: the free ring wraps with a mask */

struct nt_tcp_key {
	__u64 cookie; /* bpf_get_socket_cookie(): unique, never reused */
	__u32 pid;
	__u32 _pad;
};
_Static_assert(sizeof(struct nt_tcp_key) == 16, "nt_tcp_key layout");

/*
 * Slot values are whole cache lines (the array keeps them 64-byte aligned),
 * what every packet touches first, the socket's name after: two flows
 * counted on two CPUs never share a line.
 */
struct nt_tcp_val {
	__u64 cookie; /* 0: free slot; written last */
	__u64 tx_bytes;
	__u64 rx_bytes;
	__u32 pid;
	__u32 closed; /* set when the socket is destroyed */
	struct nt_flow_id id;
	__u8 comm[COMM_LEN];
	__u32 _pad0;
	__u64 cgroup; /* the process's cgroup v2 id when the flow was made */
	__u8 proto;   /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 _pad[23];
};
_Static_assert(sizeof(struct nt_tcp_val) == 128, "nt_tcp_val layout");

#endif /* NETTOP_TCP_H */
