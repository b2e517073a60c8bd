// A connection and its owner as nettop's JSON lines write them (tcp rows, RTT flows, retransmit and connection events), a namespace's connection counts, and one feature's JSON value.
import { Piece } from '../../source/format/json-piece.js';
import { NO_CGROUPS } from '../../source/model/cgroup.js';
import type { RowNames } from '../../source/model/reading.js';
export interface JsonFlow {
	/** null when no process is known, as comm. */
	pid: number | null;
	comm: string | null;
	netns: number;
	netns_name: string | null;
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

/** A feature's value in the JSON line, as its writer writes it for `view`, parsed. */
export function featureJson<V>(feature: { json(view: V, out: Piece, names: RowNames): Iterable<Uint8Array> }, view: V, names: Partial<RowNames> = {}): any {
	const out = new Piece();
	const parts = [...feature.json(view, out, { netns: names.netns ?? new Map(), cgroups: names.cgroups ?? NO_CGROUPS }), out.take(true)];
	return JSON.parse(Buffer.concat(parts).toString('utf8'));
}
