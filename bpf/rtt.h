/* rtt.bpf.c: smoothed RTT log2 histograms per TCP flow. Mirrored in source/features/rtt/layouts.ts. */
#ifndef NETTOP_RTT_H
#define NETTOP_RTT_H

#include "nettop.h"

/*
 * rtt_vals: slot table of monotonic histograms per socket; freed by userspace
 * once the slot is closed. Slot i counts srtt in [2^i, 2^(i+1)), slot 0 also
 * 0; in microseconds, or milliseconds when targ_ms is set.
 */
#define RTT_MAX_FLOWS 65536 /* a power of two */
#define RTT_SLOTS 27

struct nt_rtt_val {
	__u64 cookie; /* 0: free slot; written last */
	__u64 count;
	__u64 sum;
	__u32 pid;
	__u32 closed; /* set when the socket is destroyed */
	__u32 slots[RTT_SLOTS];
	struct nt_flow_id id;
	__u8 comm[COMM_LEN];
	__u64 cgroup; /* the owner's cgroup v2 id */
	__u8 _pad[48];
};
_Static_assert(sizeof(struct nt_rtt_val) == 256, "nt_rtt_val layout");

#endif /* NETTOP_RTT_H */
