// Program counters per feature: what a feature's lost updates take from its programs' recursion misses.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { programTotals } from '../source/collectors.js';
import { STATE_STAMPERS } from '../source/kernel/owners.js';

const stat = (name: string, recursionMisses: number, runCount = 10, runTimeNs = 1000) => ({ name, recursionMisses, runCount, runTimeNs });

test('programTotals: runs and time of every program; the misses of all but the state stampers, whose skipped runs lose nothing', () => {
	const totals = programTotals([stat('nt_tcp_send', 2), stat('nt_tcp_closed', 3), stat('nt_tcp_state', 400), stat('nt_rtt_own_st', 7, 5, 500)]);
	assert.deepEqual(totals, { recursionMisses: 5, runCount: 35, runTimeNs: 3500 });
	assert.deepEqual(programTotals([]), { recursionMisses: 0, runCount: 0, runTimeNs: 0 });
	// Each object's state stamper by name: a misses count of 1 from any of them would show as a loss.
	for (const name of ['nt_tcp_state', 'nt_rtt_own_st', 'nt_rtx_own_st', 'nt_con_own_st', 'nt_drp_own_st', 'nt_lat_own_st']) assert.equal(programTotals([stat(name, 1)]).recursionMisses, 0, name);
	// The length stampers run in process context only, like the counters: their misses still count.
	assert.equal(programTotals([stat('nt_rtt_own_tx', 1), stat('nt_con_own_rx', 1)]).recursionMisses, 2);
});

test('STATE_STAMPERS names every OWNER_STATE_PROGRAM in bpf/ and nothing else', () => {
	const dir = new URL('../../bpf/', import.meta.url);
	const declared = readdirSync(dir)
		.filter((f) => f.endsWith('.bpf.c'))
		.flatMap((f) => [...readFileSync(new URL(f, dir), 'utf8').matchAll(/^OWNER_STATE_PROGRAM\((\w+)\)/gm)].map((m) => m[1]!));
	assert.ok(declared.length >= 6, `found ${declared.length}`);
	assert.deepEqual([...STATE_STAMPERS].sort(), declared.sort());
});
