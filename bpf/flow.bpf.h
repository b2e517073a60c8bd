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
 * The IP header at head + l3 (IPv4, or IPv6 without extension headers) into
 * id's family and addresses, local the source (`local_is_src`, a packet
 * going out) or the destination (coming in). Returns its protocol (0 when
 * neither IPv4 nor IPv6); *len: the header's length; *after: the bytes
 * after it, as the header says.
 */
static __always_inline __u8 ip_of_packet(unsigned char *head, __u32 l3, bool local_is_src, struct nt_flow_id *id, __u32 *len, __u16 *after)
{
	__u8 version = 0;

	bpf_probe_read_kernel(&version, 1, head + l3);
	if (version >> 4 == 6) {
		struct ipv6hdr ip6 = {};
		bpf_probe_read_kernel(&ip6, sizeof(ip6), head + l3);
		id->family = AF_INET6;
		__builtin_memcpy(id->laddr, local_is_src ? &ip6.saddr : &ip6.daddr, 16);
		__builtin_memcpy(id->raddr, local_is_src ? &ip6.daddr : &ip6.saddr, 16);
		*len = sizeof(ip6);
		*after = bpf_ntohs(ip6.payload_len);
		return ip6.nexthdr;
	}
	if (version >> 4 == 4) {
		struct iphdr ip = {};
		bpf_probe_read_kernel(&ip, sizeof(ip), head + l3);
		id->family = AF_INET;
		__builtin_memcpy(id->laddr, local_is_src ? &ip.saddr : &ip.daddr, 4);
		__builtin_memcpy(id->raddr, local_is_src ? &ip.daddr : &ip.saddr, 4);
		*len = ip.ihl * 4;
		*after = bpf_ntohs(ip.tot_len) - ip.ihl * 4;
		return ip.protocol;
	}
	return 0;
}

/* TCP's or UDP's ports at head + l4 (both start with source and destination port), local as ip_of_packet's. */
static __always_inline void ports_of_packet(unsigned char *head, __u32 l4, bool local_is_src, struct nt_flow_id *id)
{
	__u16 ports[2] = {};

	bpf_probe_read_kernel(ports, sizeof(ports), head + l4);
	id->lport = bpf_ntohs(local_is_src ? ports[0] : ports[1]);
	id->rport = bpf_ntohs(local_is_src ? ports[1] : ports[0]);
}

/*
 * The flow of a packet no socket had, from its headers, turned around:
 * local is where it was going. Ports for TCP and UDP (a transport header
 * not set reads as ~0). The namespace is the caller's to set.
 */
static __always_inline void flow_of_packet(struct sk_buff *skb, struct nt_flow_id *id)
{
	unsigned char *head = skb->head;
	__u16 th = skb->transport_header;
	__u32 len;
	__u16 after;
	__u8 proto;

	__builtin_memset(id, 0, sizeof(*id));
	proto = ip_of_packet(head, skb->network_header, false, id, &len, &after);
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && th != (__u16)~0U)
		ports_of_packet(head, th, false, id);
}

#endif
