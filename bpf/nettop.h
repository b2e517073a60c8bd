/* Every struct that crosses the kernel/user boundary. Mirrored in native/layouts.ts. */
#ifndef NETTOP_H
#define NETTOP_H

/*
 * Fixed-width types only, explicit padding, and a size assertion per struct:
 * userspace decodes these bytes at fixed offsets (test/native/layouts.test.ts
 * compares them with the BTF of the compiled objects).
 */

#define IFNAMSIZ_NT 16

/* ---- nic.bpf.c ---------------------------------------------------------- */

/*
 * nic_stats: PERCPU_HASH, monotonic. Userspace sums the CPUs and takes deltas;
 * an entry dies when userspace sees it idle long enough (its interface is gone)
 * and deletes it. A failed insert (map full) is counted in nic_lost.
 */
#define NIC_MAX_ENTRIES 16384

struct nt_nic_key {
	__u32 netns;   /* inode of the interface's network namespace */
	__u32 ifindex;
	__u32 queue;   /* TX: skb->queue_mapping; RX: recorded rx queue, else 0 */
};
_Static_assert(sizeof(struct nt_nic_key) == 12, "nt_nic_key layout");

struct nt_nic_val {
	__u64 tx_bytes;
	__u64 tx_packets;
	__u64 rx_bytes;
	__u64 rx_packets;
};
_Static_assert(sizeof(struct nt_nic_val) == 32, "nt_nic_val layout");

/*
 * nic_cache: PERCPU_ARRAY of NIC_CACHE_SLOTS, the fast path. On each CPU, slot
 * i belongs for good to the first key that hashed to i there (key.netns 0:
 * free); that key's packets on that CPU add to the slot, an array index and
 * no hashing. Other keys go to nic_stats. Userspace adds both up per key.
 */
#define NIC_CACHE_SLOTS 64

struct nt_nic_slot {
	struct nt_nic_key key;
	__u32 _pad;
	struct nt_nic_val val;
};
_Static_assert(sizeof(struct nt_nic_slot) == 48, "nt_nic_slot layout");

/*
 * nic_names: HASH, written when a (netns, ifindex, queue) key is first seen on
 * a CPU. Monotonic; deleted by userspace together with the stats entries.
 */
struct nt_nic_name_key {
	__u32 netns;
	__u32 ifindex;
};
_Static_assert(sizeof(struct nt_nic_name_key) == 8, "nt_nic_name_key layout");

struct nt_nic_name {
	__u8 name[IFNAMSIZ_NT];
};
_Static_assert(sizeof(struct nt_nic_name) == 16, "nt_nic_name layout");

/*
 * Indexes of each object's lost-update counters (a PERCPU_ARRAY named
 * <object>_lost, monotonic): what the kernel side could not record.
 */
#define LOST_ENTRY 0  /* a map entry could not be created: map full */
#define LOST_AUX 1    /* nic: a name entry */
#define LOST_EVENT 2  /* an event did not fit in its ring buffer */
#define LOST_SLOTS 3

/* ---- shared by tcp.bpf.c, rtt.bpf.c, retrans.bpf.c ---------------------- */

/*
 * The process that owns a socket, stamped into BPF_MAP_TYPE_SK_STORAGE
 * (sk_owner) when it sends, receives, connects or listens: in process context
 * the current task is the owner. RTT samples and retransmits happen in
 * softirq, where it is not, so they read this back. Freed with the socket.
 */
struct nt_sock_owner {
	__u32 pid; /* tgid */
	__u8 comm[16];
	/*
	 * Where this socket's counters are (slot + 1; 0: none yet), for
	 * tcp_destroy_sock and the slow path; packets find them through the
	 * objects' hint arrays (bpf/flow.bpf.h) instead.
	 */
	__u32 tcp_slot; /* the last process's, when several share the socket */
	__u32 rtt_slot;
	__u32 _pad;
	/*
	 * The socket's cookie, kept here by the first program that gives it a slot:
	 * a slot still holds this socket when its cookie is this one, checked
	 * without reaching into the socket for the cookie on every packet.
	 */
	__u64 cookie;
};
_Static_assert(sizeof(struct nt_sock_owner) == 40, "nt_sock_owner layout");

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
 * Slot tables: per-flow values live in <prefix>_vals, an ARRAY created
 * BPF_F_MMAPABLE that userspace reads in place (no syscall, no copy). A slot
 * whose cookie is 0 is free; the kernel writes the cookie last, once the rest
 * is set; when the socket is destroyed (tcp_destroy_sock: nothing more will
 * be counted on it), `closed` is set, and userspace reads the final values
 * once more and frees the slot. Free slots come from <prefix>_free, a ring of slot numbers that
 * userspace fills (free_tail) and the programs take from (free_head, with
 * compare-and-swap); then from next, which only grows. A program that loses
 * a race to create the same flow marks its slot SLOT_ORPHAN; userspace frees it.
 */
struct nt_slot_ctl {
	__u32 next;      /* slots below this have been used */
	__u32 free_head; /* kernel: next entry of <prefix>_free to take */
	__u32 free_tail; /* userspace: next entry of <prefix>_free to fill */
	__u32 _pad;
};
_Static_assert(sizeof(struct nt_slot_ctl) == 16, "nt_slot_ctl layout");

#define SLOT_ORPHAN (~0ULL)

/* ---- tcp.bpf.c: bytes per process and connection ------------------------ */

/*
 * tcp_vals: slot table of monotonic counters per (socket cookie, pid);
 * tcp_index: HASH (cookie, pid) -> slot, for the first send of a process on a
 * socket (later ones find the slot in sk_owner). Both freed by userspace once
 * the slot is closed. A flow that finds no slot counts as LOST_ENTRY.
 * Sized for tens of thousands of live sockets plus an interval's churn.
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
	__u8 comm[16];
	__u8 _pad[36];
};
_Static_assert(sizeof(struct nt_tcp_val) == 128, "nt_tcp_val layout");

/* ---- rtt.bpf.c: smoothed RTT log2 histograms per flow -------------------- */

/*
 * rtt_vals: slot table of monotonic histograms per socket (found through
 * sk_owner's rtt_slot); freed by userspace once the slot is closed. Slot i
 * counts srtt in [2^i, 2^(i+1)), slot 0 also 0; in microseconds, or
 * milliseconds when targ_ms is set.
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
	__u8 comm[16];
	__u8 _pad[56];
};
_Static_assert(sizeof(struct nt_rtt_val) == 256, "nt_rtt_val layout");

/* ---- retrans.bpf.c: one event per retransmit ------------------------------ */

#define RETRANS_RING_BYTES (1 << 21) /* 21,845 events between two reads; more are counted as lost */

#define KIND_DATA 0   /* data retransmit (RTO or fast retransmit) */
#define KIND_TLP 1    /* data retransmit sent as a tail loss probe */
#define KIND_SYN 2    /* SYN retransmit (state SYN_SENT) */
#define KIND_SYNACK 3 /* SYN-ACK retransmit by a listener */

struct nt_retrans_event {
	__u64 ts_ns;  /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 cookie; /* 0 for SYN-ACKs: the request sock is not the connection's */
	struct nt_flow_id id;
	__u32 pid;    /* socket owner from sk_owner, 0 when unknown */
	__u8 comm[16];
	__u32 segs;   /* segments in the retransmitted skb: what TcpRetransSegs adds */
	__u8 state;   /* TCP state (include/net/tcp_states.h) */
	__u8 kind;    /* KIND_* */
	__u16 _pad;
};
_Static_assert(sizeof(struct nt_retrans_event) == 88, "nt_retrans_event layout");

#endif /* NETTOP_H */
