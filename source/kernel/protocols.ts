// Names of a packet's protocols: its ethertype, and its IP protocol when it is IP.

const ETH: Record<number, string> = { 0x0800: 'ipv4', 0x86dd: 'ipv6', 0x0806: 'arp' };
const IP: Record<number, string> = { 1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6', 132: 'sctp' };

/** "ipv4/udp", "ipv6/tcp", "arp", "0x88cc" (LLDP), "-" when the skb had no protocol set. */
export function protocolName(eth: number, ip: number): string {
	if (eth === 0) return '-';
	const l3 = ETH[eth] ?? `0x${eth.toString(16).padStart(4, '0')}`;
	return eth === 0x0800 || eth === 0x86dd ? `${l3}/${IP[ip] ?? ip}` : l3;
}
