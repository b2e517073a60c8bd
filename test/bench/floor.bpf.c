// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * npm run bench: empty programs on the tracepoints nettop uses. What
 * bpf_stats reports for them is the floor: the cost of running any BPF
 * program there (and of bpf_stats' own clock reads), before doing anything.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define EMPTY(name, tp)             \
	SEC("tp_btf/" #tp)          \
	int BPF_PROG(name)          \
	{                           \
		return 0;           \
	}

EMPTY(floor_xmit, net_dev_start_xmit)
EMPTY(floor_receive, netif_receive_skb)
EMPTY(floor_send, sock_send_length)
EMPTY(floor_recv, sock_recv_length)
EMPTY(floor_probe, tcp_probe)
EMPTY(floor_retrans, tcp_retransmit_skb)
EMPTY(floor_state, inet_sock_set_state)
EMPTY(floor_rst_out, tcp_send_reset)
EMPTY(floor_rst_in, tcp_receive_reset)
EMPTY(floor_drop, kfree_skb)
EMPTY(floor_queue, net_dev_queue)
EMPTY(floor_xmit_done, net_dev_xmit)
EMPTY(floor_copy, skb_copy_datagram_iovec)
EMPTY(floor_consume, consume_skb)

SEC("tracepoint/syscalls/sys_exit_accept4")
int floor_accept4(void *ctx)
{
	return 0;
}
