// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Connections: per-namespace counters that equal the kernel's Tcp MIB, and one event per connect, accept, close, failure and RST. */
#include "vmlinux.h"
#include "conns.h"
#include "bits.bpf.h"
#include "flow.bpf.h"
#include "owner.bpf.h"
#include "sample.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* include/net/tcp_states.h (TCP_SYN_SENT and TCP_LISTEN come from owner.bpf.h) */
#define TCP_ESTABLISHED 1
#define TCP_SYN_RECV 3
#define TCP_CLOSE 7
#define TCP_FIN_WAIT1 4
#define TCP_FIN_WAIT2 5
#define TCP_CLOSE_WAIT 8
#define TCP_LAST_ACK 9
#define TCP_CLOSING 11

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, CONNS_NETNS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* an entry per namespace, made at its first connection */
	__type(key, __u32); /* netns inode */
	__type(value, struct nt_conn_counts);
} conns_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, CONNS_RING_BYTES);
} conns_events SEC(".maps");

/* When each connection started and from which end: freed with its socket. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct nt_conn_life);
} conns_life SEC(".maps");

/* Never used: puts the layouts into the object's BTF, for the layout test. */
const struct nt_conn_event *_nt_conn_event_btf __attribute__((unused));
const struct nt_conn_life *_nt_conn_life_btf __attribute__((unused));
const struct nt_sample_budget *_nt_sample_budget_btf __attribute__((unused));

LOST_COUNTERS(conns_lost)

/* The event list is a sample, the counts never are (bpf/sample.bpf.h). */
SAMPLER(conns)

static const struct nt_conn_counts zero_counts;

static __always_inline struct nt_conn_counts *counts_of(__u32 netns)
{
	struct nt_conn_counts *c = lookup_or_init(&conns_counts, &netns, &zero_counts);
	if (!c)
		count_lost(&conns_lost, LOST_ENTRY);
	return c;
}

/* The namespace a socket lives in: read once per state change, with probe reads (flow.bpf.h says why). */
static __always_inline __u32 netns_of(const struct sock *sk)
{
	return BPF_CORE_READ(&sk->__sk_common, skc_net.net, ns.inum);
}

/* A new event with its common fields zeroed; NULL (and counted) when sampled out or the ring is full. */
static __always_inline struct nt_conn_event *reserve(__u8 type)
{
	if (!sampled_in(&conns_budget))
		return NULL;
	struct nt_conn_event *e = bpf_ringbuf_reserve(&conns_events, sizeof(*e), 0);
	if (!e) {
		count_lost(&conns_lost, LOST_EVENT);
		return NULL;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->duration_ns = 0;
	e->tx_bytes = 0;
	e->rx_bytes = 0;
	e->pid = 0;
	__builtin_memset(e->comm, 0, sizeof(e->comm));
	e->cgroup = 0;
	e->latency_us = 0;
	e->err = 0;
	e->type = type;
	e->dir = DIR_UNKNOWN;
	e->state = 0;
	e->flags = 0;
	e->_pad1 = 0;
	e->_pad2 = 0;
	return e;
}

/* nettop reads the ring each interval and never sleeps on it: no wakeup. */
static __always_inline void submit(struct nt_conn_event *e)
{
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

/* An event about a full socket: its flow, owner and where it was. */
static __always_inline struct nt_conn_event *sock_event(__u8 type, struct sock *sk, __u8 state, struct nt_conn_life *life)
{
	struct nt_conn_event *e = reserve(type);
	if (!e)
		return NULL;
	flow_id_of(&sk->__sk_common, &e->id, true);
	copy_owner(sk, &e->pid, e->comm, &e->cgroup); /* softirq: never the current task */
	e->state = state;
	if (life)
		e->dir = life->dir;
	return e;
}

static __always_inline struct nt_conn_life *life_of(struct sock *sk, bool create)
{
	return bpf_sk_storage_get(&conns_life, sk, 0, create ? BPF_SK_STORAGE_GET_F_CREATE : 0);
}

static __always_inline void started(struct sock *sk, __u8 dir)
{
	struct nt_conn_life *life = life_of(sk, true);
	if (life) {
		life->start_ns = bpf_ktime_get_ns();
		life->dir = dir;
	}
}

/*
 * tcp_set_state() gives the local port back (inet_put_port() zeroes
 * inet_num) before the tracepoint fires: the port it had stays in inet_sport.
 */
static __always_inline void keep_port(struct nt_conn_event *e, struct tcp_sock *tp)
{
	if (e->id.lport == 0)
		e->id.lport = bpf_ntohs(tp->inet_conn.icsk_inet.inet_sport);
}

/* A connect in SYN_SENT closed. TcpAttemptFails counts it only when tcp_done() closed it (docs/connections.md). */
static __always_inline void connect_failed(struct sock *sk, struct nt_conn_counts *c, struct tcp_sock *tp, struct nt_conn_life *life)
{
	/* No SYN went out (tcp_v4_connect's failure path, or tcp_connect() gave up): TcpActiveOpens never grew. */
	bool no_syn = tp->snd_nxt == tp->snd_una;
	int err = sk->sk_err;

	if (c) {
		if (no_syn)
			c->active_opens -= 1;
		else if (err)
			c->attempt_fails += 1;
	}
	struct nt_conn_event *e = sock_event(CONN_FAIL, sk, TCP_SYN_SENT, life);
	if (!e)
		return;
	keep_port(e, tp);
	e->dir = DIR_ACTIVE;
	e->err = err;
	e->flags = no_syn ? FLAG_NO_SYN : 0;
	submit(e);
}

/* Before Linux 6.10 (or so) sk_flags was a field of struct sock; it moved into sock_common. */
struct sock___flags_old {
	unsigned long sk_flags;
} __attribute__((preserve_access_index));

static __always_inline unsigned long sock_flags(struct sock *sk)
{
	if (bpf_core_field_exists(sk->__sk_common.skc_flags))
		return BPF_CORE_READ(sk, __sk_common.skc_flags);
	return BPF_CORE_READ((struct sock___flags_old *)sk, sk_flags);
}

static __always_inline void closed(struct sock *sk, int oldstate, struct tcp_sock *tp, struct nt_conn_life *life)
{
	struct nt_conn_event *e = sock_event(CONN_CLOSE, sk, oldstate, life);
	if (!e)
		return;
	keep_port(e, tp);
	/*
	 * bytes_acked and bytes_received count sequence space: the SYN this end
	 * sent when it connected (an accepted socket starts past it), and each
	 * FIN. Only data is counted here (docs/connections.md).
	 */
	__u64 tx = tp->bytes_acked, rx = tp->bytes_received;
	bool fin_sent = oldstate == TCP_FIN_WAIT1 || oldstate == TCP_FIN_WAIT2 || oldstate == TCP_CLOSING || oldstate == TCP_LAST_ACK;
	if (fin_sent && tp->snd_una == tp->write_seq && tx > 0)
		tx -= 1;
	if (life && life->dir == DIR_ACTIVE && tx > 0)
		tx -= 1;
	/* tcp_fin() sets SOCK_DONE: the peer's FIN took a sequence number. */
	if ((sock_flags(sk) & (1UL << bpf_core_enum_value(enum sock_flags, SOCK_DONE))) && rx > 0)
		rx -= 1;
	e->tx_bytes = tx;
	e->rx_bytes = rx;
	if (life) {
		e->duration_ns = e->ts_ns - life->start_ns;
		e->flags = FLAG_STARTED;
	}
	if (oldstate == TCP_ESTABLISHED || oldstate == TCP_CLOSE_WAIT)
		e->flags |= FLAG_ABORT;
	submit(e);
}

/*
 * Every TCP state change. Opens are counted where the kernel counts them,
 * closes where tcp_set_state() and tcp_done() do (docs/connections.md).
 */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(nt_conn_state, struct sock *sk, int oldstate, int newstate)
{
	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) {
		struct nt_conn_counts *c = counts_of(netns_of(sk));
		if (c)
			c->active_opens += 1;
		started(sk, DIR_ACTIVE);
		return 0;
	}
	if (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV) {
		/* The child socket, made by tcp_create_openreq_child(), which counts TcpPassiveOpens. */
		struct nt_conn_counts *c = counts_of(netns_of(sk));
		if (c)
			c->passive_opens += 1;
		started(sk, DIR_PASSIVE);
		return 0;
	}
	if (oldstate == TCP_SYN_SENT && newstate == TCP_ESTABLISHED) {
		struct nt_conn_life *life = life_of(sk, false);
		struct nt_conn_event *e = sock_event(CONN_CONNECT, sk, oldstate, life);
		if (!e)
			return 0;
		e->dir = DIR_ACTIVE;
		if (life)
			e->latency_us = (e->ts_ns - life->start_ns) / 1000;
		submit(e);
		return 0;
	}
	if (newstate != TCP_CLOSE || oldstate == TCP_CLOSE || oldstate == TCP_LISTEN)
		return 0;

	struct tcp_sock *tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return 0;
	struct nt_conn_counts *c = counts_of(netns_of(sk));
	struct nt_conn_life *life = life_of(sk, false);
	if (oldstate == TCP_SYN_SENT) {
		connect_failed(sk, c, tp, life);
		return 0;
	}
	if (oldstate == TCP_SYN_RECV) {
		/* A child that never got established: tcp_done() counts it. */
		if (c)
			c->attempt_fails += 1;
		struct nt_conn_event *e = sock_event(CONN_FAIL, sk, oldstate, life);
		if (e) {
			keep_port(e, tp);
			e->dir = DIR_PASSIVE;
			e->err = sk->sk_err;
			submit(e);
		}
		return 0;
	}
	if (c && (oldstate == TCP_ESTABLISHED || oldstate == TCP_CLOSE_WAIT))
		c->estab_resets += 1;
	closed(sk, oldstate, tp, life);
	return 0;
}

/*
 * tcp_v4/v6_send_reset() and tcp_send_active_reset(), where TcpOutRsts grows.
 * Since Linux 6.9 also without a socket (a closed port): the namespace is
 * then the device's the segment came in on, as the kernel's own count takes it.
 * The reason argument (6.10+) is not read, so one program serves both.
 */
SEC("tp_btf/tcp_send_reset")
int BPF_PROG(nt_conn_rst_out, struct sock *sk, struct sk_buff *skb)
{
	struct nt_conn_event *e = reserve(CONN_RESET_OUT);
	struct nt_conn_counts *c;

	if (sk) {
		c = counts_of(netns_of(sk));
		if (e) {
			flow_id_of(&sk->__sk_common, &e->id, true);
			copy_owner(sk, &e->pid, e->comm, &e->cgroup);
			e->state = sk->__sk_common.skc_state;
			/* An abort sends its RST after the close gave the port back (keep_port). */
			if (e->id.lport == 0 && e->state == TCP_CLOSE)
				e->id.lport = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
			struct nt_conn_life *life = life_of(sk, false);
			if (life)
				e->dir = life->dir;
		}
	} else if (skb) {
		/* An RST for a segment no socket took: the namespace of the device it came in on. */
		struct nt_flow_id id;
		flow_of_packet(skb, &id);
		id.netns = BPF_CORE_READ(skb, dev, nd_net.net, ns.inum);
		c = counts_of(id.netns);
		if (e) {
			e->id = id;
			e->flags = FLAG_NO_SOCK;
		}
	} else {
		c = NULL;
	}
	if (c)
		c->out_rsts += 1;
	if (e)
		submit(e);
	return 0;
}

/* tcp_reset(): a full socket took an RST. */
SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(nt_conn_rst_in, struct sock *sk)
{
	struct nt_conn_counts *c = counts_of(netns_of(sk));
	if (c)
		c->in_rsts += 1;
	struct nt_conn_event *e = sock_event(CONN_RESET_IN, sk, sk->__sk_common.skc_state, life_of(sk, false));
	if (e)
		submit(e);
	return 0;
}

/*
 * accept() and accept4() return: the accepting process owns the accept (in
 * softirq, where the connection is established, the current task is anyone).
 * The new descriptor's socket is found through the task's file table.
 */
static __always_inline int accepted(long fd)
{
	if (fd < 0)
		return 0;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	struct file *file = NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	if (!file)
		return 0;
	struct socket *sock = BPF_CORE_READ(file, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);
	struct sock_common *skc = &sk->__sk_common;
	__u16 family = BPF_CORE_READ(skc, skc_family);
	if ((family != AF_INET && family != AF_INET6) || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;

	struct nt_conn_event *e = reserve(CONN_ACCEPT);
	if (!e)
		return 0;
	struct nt_flow_id *id = &e->id;
	id->family = family;
	id->lport = BPF_CORE_READ(skc, skc_num);
	id->rport = bpf_ntohs(BPF_CORE_READ(skc, skc_dport));
	id->netns = BPF_CORE_READ(skc, skc_net.net, ns.inum);
	__builtin_memset(id->laddr, 0, 16);
	__builtin_memset(id->raddr, 0, 16);
	if (family == AF_INET6) {
		BPF_CORE_READ_INTO(&id->laddr, skc, skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&id->raddr, skc, skc_v6_daddr.in6_u.u6_addr8);
	} else {
		bpf_probe_read_kernel(id->laddr, 4, &skc->skc_rcv_saddr);
		bpf_probe_read_kernel(id->raddr, 4, &skc->skc_daddr);
	}
	id->_pad = 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->cgroup = bpf_get_current_cgroup_id();
	e->dir = DIR_PASSIVE;
	e->state = BPF_CORE_READ(skc, skc_state);
	submit(e);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int nt_conn_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return accepted(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int nt_conn_accept(struct trace_event_raw_sys_exit *ctx)
{
	return accepted(ctx->ret);
}

/* Owner stamps, left out when another object's are shared (source/kernel/owners.ts). */
OWNER_LENGTH_PROGRAMS(nt_con_own_tx, nt_con_own_rx)
OWNER_STATE_PROGRAM(nt_con_own_st)
