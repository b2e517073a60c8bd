// A connection and its owner as nettop's JSON lines write them (tcp rows, RTT flows, retransmit and connection events), and a namespace's connection counts.
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

/** A namespace's row of Connections' counts (`conns.counts`), as the JSON lines write it. */
export interface CountsRow {
	netns: number;
	netns_name?: string;
	active_opens: number;
	passive_opens: number;
	attempt_fails: number;
	estab_resets: number;
	out_rsts: number;
	in_rsts: number;
	handshake_fails?: number;
	established?: number;
}
