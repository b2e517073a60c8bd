// A connection and its owner as nettop's JSON lines write them (tcp rows, RTT flows, retransmit and connection events).
export interface JsonFlow {
	pid: number;
	comm: string;
	netns: number;
	family: number;
	laddr: string;
	lport: number;
	raddr: string;
	rport: number;
}
