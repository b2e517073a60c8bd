// The bench's targets (issue 28): each figure measured beside its limit, and at the end one line per target, met or missed by how much.
import { fmt } from './measure.js';

interface Verdict {
	readonly what: string;
	readonly measured: number;
	readonly limit: number;
	readonly unit: string;
}

const verdicts: Verdict[] = [];

/** Records that `measured` should be at most `limit` (in `unit`); returns the target as the report's column shows it. */
export function atMost(what: string, measured: number, limit: number, unit: string): string {
	verdicts.push({ what, measured, limit, unit });
	return `<= ${fmt(limit, limit < 10 ? 2 : 0)} ${unit}`;
}

/** One line per target recorded in this run: met, or missed by how much (and how many times the limit). */
export function verdictLines(): string[] {
	return verdicts.map((v) => {
		const [m, l] = [fmt(v.measured, v.limit < 10 ? 2 : 1), fmt(v.limit, v.limit < 10 ? 2 : 0)];
		if (v.measured <= v.limit) return `met     ${v.what}: ${m} ${v.unit} (target <= ${l})`;
		const times = v.limit > 0 ? `, ${fmt(v.measured / v.limit, 1)}x` : '';
		return `MISSED  ${v.what}: ${m} ${v.unit} (target <= ${l}): ${fmt(v.measured - v.limit, v.limit < 10 ? 2 : 1)} ${v.unit} over${times}`;
	});
}

/** The empty program on the hook of each per-packet program (test/bench/floor.bpf.c). */
export const FLOOR_OF: Readonly<Record<string, string>> = {
	nt_nic_tx: 'floor_xmit',
	nt_nic_rx: 'floor_receive',
	nt_tcp_send: 'floor_send',
	nt_tcp_recv: 'floor_recv',
	nt_rtt: 'floor_probe',
	nt_rtt_sk: 'floor_probe',
	nt_drop: 'floor_drop',
	nt_drop_rx_sk: 'floor_drop',
	nt_lat_queue: 'floor_queue',
	nt_lat_start: 'floor_xmit',
	nt_lat_xmit: 'floor_xmit_done',
	nt_lat_recv: 'floor_receive',
	nt_lat_copy: 'floor_copy',
	nt_lat_copy_pr: 'floor_copy',
	nt_lat_cut: 'floor_consume',
};
