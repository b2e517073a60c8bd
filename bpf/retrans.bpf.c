// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Retransmits: one event per retransmitted skb or SYN-ACK, with its owner and segment count. */
#include "vmlinux.h"
#include "retrans.h"
#include "bits.bpf.h"
#include "flow.bpf.h"
#include "owner.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* include/net/inet_connection_sock.h: a #define, so not in BTF. */
#define ICSK_TIME_LOSS_PROBE 3
#define TCP_NEW_SYN_RECV 12

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RETRANS_RING_BYTES);
} retrans_events SEC(".maps");

/* Never used: puts the event's layout into the object's BTF, for the layout test. */
const struct nt_retrans_event *_nt_retrans_event_btf __attribute__((unused));

LOST_COUNTERS(retrans_lost)

/*
 * A kfunc (Linux 6.2+) the verifier turns into a plain move: the socket as
 * a tcp_sock, with no call at run time. Weak: on older kernels the object
 * loads without it, and nettop uses the twins that make a helper call instead.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* Every field is written by the caller: no memset of the whole event. */
static __always_inline struct nt_retrans_event *reserve(void)
{
	struct nt_retrans_event *e = bpf_ringbuf_reserve(&retrans_events, sizeof(*e), 0);
	if (!e)
		count_lost(&retrans_lost, LOST_EVENT);
	return e;
}

/*
 * Into the ring: nettop reads it each interval and never sleeps on it, so no
 * wakeup (which would queue an irq_work when the ring was empty).
 */
static __always_inline void submit(struct nt_retrans_event *e)
{
	e->_pad = 0;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

/*
 * tcp_retransmit_skb fires at the end of __tcp_retransmit_skb(), after
 * TCP_MIB_RETRANSSEGS grew by tcp_skb_pcount(skb): segs is read from the same
 * place. A tail loss probe is sent from the write timer while icsk_pending is
 * still ICSK_TIME_LOSS_PROBE, and only in CA_Open.
 */
static __always_inline int on_retransmit(struct sock *sk, struct sk_buff *skb, bool cast)
{
	struct nt_retrans_event *e = reserve();
	if (!e)
		return 0;
	/* Direct loads from the tracepoint's trusted pointers: cheaper than probe reads. */
	struct tcp_skb_cb *cb = (struct tcp_skb_cb *)skb->cb;
	__u16 segs = cb->tcp_gso_segs;
	/* The tracepoint fires only for TCP sockets. */
	struct tcp_sock *tp = cast ? bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct tcp_sock)) : bpf_skc_to_tcp_sock(sk);
	__u64 cookie = cookie_made(sk);

	if (!tp) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return 0;
	}
	/*
	 * The retransmit was just sent: the socket's clock (tcp_clock_ns(),
	 * CLOCK_MONOTONIC) was refreshed by the timer or ACK that sent it.
	 */
	e->ts_ns = tp->tcp_clock_cache;
	/* Made already if nettop saw the socket send, receive or sample an RTT. */
	e->cookie = cookie ? cookie : bpf_get_socket_cookie(sk);
	flow_id_of(&sk->__sk_common, &e->id, false);
	copy_owner(sk, &e->pid, e->comm, &e->cgroup);
	e->segs = segs ? segs : 1;
	e->state = sk->__sk_common.skc_state;
	if (e->state == TCP_SYN_SENT)
		e->kind = KIND_SYN;
	else if (tp->inet_conn.icsk_pending == ICSK_TIME_LOSS_PROBE &&
		 BPF_CORE_READ_BITFIELD(&tp->inet_conn, icsk_ca_state) == TCP_CA_Open)
		e->kind = KIND_TLP;
	else
		e->kind = KIND_DATA;
	submit(e);
	return 0;
}

#define EAGAIN 11
#define ENOMEM 12
#define EBUSY 16
#define EINVAL 22
#define EHOSTUNREACH 113

/*
 * Since the tracepoint gained `err`, it also fires for attempts that
 * gave up before anything was sent (skb still in the host queue, window
 * closed, no memory, no route) and before TCP_MIB_RETRANSSEGS moved: those are
 * not retransmits. A failure of the transmit itself comes after the MIB update
 * and is counted, as the kernel counts it.
 */
static __always_inline bool not_sent(int err)
{
	return err == -EBUSY || err == -EAGAIN || err == -ENOMEM || err == -EINVAL || err == -EHOSTUNREACH;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(nt_retrans, struct sock *sk, struct sk_buff *skb, int err)
{
	return not_sent(err) ? 0 : on_retransmit(sk, skb, true);
}

/* The same without bpf_rdonly_cast: a checked cast through a helper call. */
SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(nt_retrans_sk, struct sock *sk, struct sk_buff *skb, int err)
{
	return not_sent(err) ? 0 : on_retransmit(sk, skb, false);
}

/* Kernels whose tracepoint has no err: it fires only after a successful resend. */
SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(nt_retrans_noerr, struct sock *sk, struct sk_buff *skb)
{
	return on_retransmit(sk, skb, true);
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(nt_retrans_noerr_sk, struct sock *sk, struct sk_buff *skb)
{
	return on_retransmit(sk, skb, false);
}

/*
 * tcp_retransmit_synack fires in tcp_rtx_synack() after a successful resend,
 * where TCP_MIB_RETRANSSEGS grows by one. sk is the listener; the request
 * sock's sock_common carries the connection's addresses.
 */
SEC("tp_btf/tcp_retransmit_synack")
int BPF_PROG(nt_retrans_synack, struct sock *sk, struct request_sock *req)
{
	struct nt_retrans_event *e = reserve();
	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->cookie = 0;
	flow_id_of(&req->__req_common, &e->id, false);
	copy_owner(sk, &e->pid, e->comm, &e->cgroup);
	e->segs = 1;
	e->state = TCP_NEW_SYN_RECV;
	e->kind = KIND_SYNACK;
	submit(e);
	return 0;
}

/* Owner stamps, left out when another object's are shared (source/kernel/owners.ts). */
OWNER_LENGTH_PROGRAMS(nt_rtx_own_tx, nt_rtx_own_rx)
OWNER_STATE_PROGRAM(nt_rtx_own_st)
