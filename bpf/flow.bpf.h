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

#endif
