/* A socket's identity: its cookie and its flow id (addresses, ports, namespace). */
#ifndef NETTOP_FLOW_BPF_H
#define NETTOP_FLOW_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "nettop.h"

#define AF_INET 2
#define AF_INET6 10

/* The socket's cookie if one was made already (bpf_get_socket_cookie makes it), else 0. */
static __always_inline __u64 cookie_made(struct sock *sk)
{
	return sk->__sk_common.skc_cookie.counter;
}

/*
 * Fills a flow_id from the sock_common shared by full and request sockets,
 * with plain loads from the BTF pointer skc. When `once` (a path taken once
 * per flow), the namespace is read with probe reads instead: a pointer
 * loaded from a BTF pointer costs the verifier a search of the kernel's BTF
 * at every start (docs/kernels.md).
 */
static __always_inline void flow_id_of(const struct sock_common *skc, struct nt_flow_id *id, bool once)
{
	id->family = skc->skc_family;
	id->lport = skc->skc_num;
	id->rport = bpf_ntohs(skc->skc_dport);
	id->netns = once ? BPF_CORE_READ(skc, skc_net.net, ns.inum) : skc->skc_net.net->ns.inum;
	if (id->family == AF_INET6) {
		__builtin_memcpy(id->laddr, skc->skc_v6_rcv_saddr.in6_u.u6_addr8, 16);
		__builtin_memcpy(id->raddr, skc->skc_v6_daddr.in6_u.u6_addr8, 16);
	} else {
		/* The rest zeroed too: slots and ring records are reused. */
		__builtin_memset(id->laddr, 0, 16);
		__builtin_memset(id->raddr, 0, 16);
		__builtin_memcpy(id->laddr, &skc->skc_rcv_saddr, 4);
		__builtin_memcpy(id->raddr, &skc->skc_daddr, 4);
	}
	id->_pad = 0;
}

/*
 * The flow of a packet no socket had, from its headers, turned around:
 * local is where it was going. Ports for TCP and UDP (both start with
 * source and destination port; a transport header not set reads as ~0).
 * The namespace is the caller's to set.
 */
static __always_inline void flow_of_packet(struct sk_buff *skb, struct nt_flow_id *id)
{
	unsigned char *head = skb->head;
	__u16 nh = skb->network_header;
	__u16 th = skb->transport_header;
	__u8 version = 0, proto = 0;
	__u16 ports[2] = {};

	__builtin_memset(id, 0, sizeof(*id));
	bpf_probe_read_kernel(&version, 1, head + nh);
	if (version >> 4 == 6) {
		struct ipv6hdr ip6 = {};
		bpf_probe_read_kernel(&ip6, sizeof(ip6), head + nh);
		id->family = AF_INET6;
		__builtin_memcpy(id->laddr, &ip6.daddr, 16);
		__builtin_memcpy(id->raddr, &ip6.saddr, 16);
		proto = ip6.nexthdr;
	} else if (version >> 4 == 4) {
		struct iphdr ip = {};
		bpf_probe_read_kernel(&ip, sizeof(ip), head + nh);
		id->family = AF_INET;
		__builtin_memcpy(id->laddr, &ip.daddr, 4);
		__builtin_memcpy(id->raddr, &ip.saddr, 4);
		proto = ip.protocol;
	}
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && th != (__u16)~0U) {
		bpf_probe_read_kernel(ports, sizeof(ports), head + th);
		id->lport = bpf_ntohs(ports[1]);
		id->rport = bpf_ntohs(ports[0]);
	}
}

#endif
