// SPDX-License-Identifier: GPL-2.0 OR MIT
/* tcptop: bytes sent and received per process and TCP connection. */
#include "vmlinux.h"
#include "flow.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define MSG_PEEK 2

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCP_MAX_FLOWS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nt_tcp_key);
	__type(value, struct nt_tcp_val);
} tcp_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, CLOSED_RING_BYTES);
} tcp_closed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LOST_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} tcp_lost SEC(".maps");

static __always_inline void count(struct sock *sk, int ret, int rx)
{
	if (ret <= 0 || sk->sk_protocol != IPPROTO_TCP)
		return;
	__u16 family = sk->__sk_common.skc_family;
	if (family != AF_INET && family != AF_INET6)
		return;

	/* Process context: the current task is the one moving the bytes. */
	struct nt_tcp_key key = {
		.cookie = bpf_get_socket_cookie(sk),
		.pid = bpf_get_current_pid_tgid() >> 32,
	};
	struct nt_tcp_val *val = bpf_map_lookup_elem(&tcp_flows, &key);
	if (!val) {
		/*
		 * A process starts using the socket: stamp it as the owner here
		 * only, so the per-call path is one lookup and one add.
		 */
		struct nt_sock_owner *owner = stamp_owner(sk);
		struct nt_tcp_val init = {};
		flow_id_of(&sk->__sk_common, &init.id);
		if (owner && owner->pid == key.pid)
			__builtin_memcpy(init.comm, owner->comm, sizeof(init.comm));
		else
			bpf_get_current_comm(init.comm, sizeof(init.comm));
		bpf_map_update_elem(&tcp_flows, &key, &init, BPF_NOEXIST);
		val = bpf_map_lookup_elem(&tcp_flows, &key);
		if (!val) {
			count_lost(&tcp_lost, LOST_ENTRY);
			return;
		}
	}
	if (rx)
		__sync_fetch_and_add(&val->rx_bytes, ret);
	else
		__sync_fetch_and_add(&val->tx_bytes, ret);
}

/*
 * sock_send_length fires in sock_sendmsg_nosec() with what the protocol
 * accepted: write, send, sendmsg, sendmmsg and, since splice_to_socket() goes
 * through sock_sendmsg, sendfile and splice too.
 */
SEC("tp_btf/sock_send_length")
int BPF_PROG(nt_tcp_send, struct sock *sk, int ret, int flags)
{
	count(sk, ret, 0);
	return 0;
}

/* sock_recv_length fires in sock_recvmsg_nosec(); a MSG_PEEK read leaves the data queued. */
SEC("tp_btf/sock_recv_length")
int BPF_PROG(nt_tcp_recv, struct sock *sk, int ret, int flags)
{
	if (flags & MSG_PEEK)
		return 0;
	count(sk, ret, 1);
	return 0;
}

/*
 * Kernels without sock_send_length: tcp_sendmsg() returns what it accepted.
 * On kernels where sendfile() still went through tcp_sendpage() it is not seen.
 */
SEC("fexit/tcp_sendmsg")
int BPF_PROG(nt_tcp_send_fx, struct sock *sk, struct msghdr *msg, size_t size, int ret)
{
	count(sk, ret, 0);
	return 0;
}

/*
 * Kernels without sock_recv_length: tcp_recvmsg() ends with
 * tcp_cleanup_rbuf(sk, copied). Its signature is stable where tcp_recvmsg's
 * is not, but it cannot tell a MSG_PEEK read, which counts here.
 */
SEC("fentry/tcp_cleanup_rbuf")
int BPF_PROG(nt_tcp_recv_fe, struct sock *sk, int copied)
{
	count(sk, copied, 1);
	return 0;
}

/* connect() and listen() run in the owner's context: stamp it for RTT and retransmits. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(nt_tcp_state, struct sock *sk, int oldstate, int newstate)
{
	if ((newstate == TCP_SYN_SENT || newstate == TCP_LISTEN) && sk->sk_protocol == IPPROTO_TCP)
		stamp_owner(sk);
	return 0;
}

CLOSED_PROGRAMS(nt_tcp_closed, nt_tcp_clos_fe, tcp_closed, tcp_lost)
