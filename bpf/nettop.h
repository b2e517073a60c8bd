/* What every object shares across the kernel/user boundary. Mirrored in source/kernel/layouts.ts. */
#ifndef NETTOP_H
#define NETTOP_H

/*
 * Fixed-width types only, explicit padding, and a size assertion per struct:
 * userspace decodes these bytes at fixed offsets (test/native/layouts.test.ts
 * compares them with the BTF of the compiled objects).
 */

#define COMM_LEN 16

/*
 * Indexes of each object's lost-update counters (a PERCPU_ARRAY named
 * <object>_lost, monotonic): what the kernel side could not record.
 */
#define LOST_ENTRY 0  /* a map entry or slot could not be created: map full */
#define LOST_AUX 1    /* a secondary entry (nic: a name) */
#define LOST_EVENT 2  /* an event did not fit in its ring buffer */
#define LOST_SLOTS 3

/*
 * The process that owns a socket, stamped into BPF_MAP_TYPE_SK_STORAGE
 * (sk_owner, bpf/owner.bpf.h) when it sends, receives, connects or listens:
 * in process context the current task is the owner. Events in softirq read
 * it back. Freed with the socket. Shared by every object that needs owners.
 */
struct nt_sock_owner {
	__u32 pid; /* tgid */
	__u8 comm[COMM_LEN];
	__u32 _pad;
	__u64 cgroup; /* the owner's cgroup v2 id (the inode of its directory) when stamped */
};
_Static_assert(sizeof(struct nt_sock_owner) == 32, "nt_sock_owner layout");

/* A TCP connection as its socket names it. Ports in host order. */
struct nt_flow_id {
	__u8 laddr[16]; /* IPv4: first 4 bytes */
	__u8 raddr[16];
	__u32 netns;    /* inode of the socket's network namespace */
	__u16 family;   /* AF_INET or AF_INET6 */
	__u16 lport;
	__u16 rport;
	__u16 _pad;
};
_Static_assert(sizeof(struct nt_flow_id) == 44, "nt_flow_id layout");

/*
 * A slot table's counters (bpf/slots.bpf.h; docs/architecture.md). Free slots
 * come from <prefix>_free, a ring userspace fills (free_tail) and programs
 * take from (free_head, compare-and-swap), then from next, which only grows.
 */
struct nt_slot_ctl {
	__u32 next;      /* slots below this have been used */
	__u32 free_head; /* kernel: next entry of <prefix>_free to take */
	__u32 free_tail; /* userspace: next entry of <prefix>_free to fill */
	__u32 _pad;
};
_Static_assert(sizeof(struct nt_slot_ctl) == 16, "nt_slot_ctl layout");

/* The cookie of a slot whose program lost the race to create its flow: userspace frees it. */
#define SLOT_ORPHAN (~0ULL)

/*
 * Where a socket's counters are in one slot table: socket storage of the
 * table's own (<prefix>_sk), written and read only off the per-packet path
 * (a flow's first packet, the close, the sweep). A slot still holds this
 * socket when its cookie is this one.
 */
struct nt_slot_ref {
	__u64 cookie;
	__u32 slot; /* slot + 1; 0: none yet */
	__u32 _pad;
};
_Static_assert(sizeof(struct nt_slot_ref) == 16, "nt_slot_ref layout");

/* One CPU's token bucket for a sampled event list (bpf/sample.bpf.h). */
struct nt_sample_budget {
	__u64 last_ns;   /* when it last sent or was refused */
	__u64 credit_ns; /* time saved up, at most a second */
	__u64 sampled;   /* events left out, cumulative */
};
_Static_assert(sizeof(struct nt_sample_budget) == 24, "nt_sample_budget layout");

#endif /* NETTOP_H */
