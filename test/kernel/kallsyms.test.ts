// Kernel addresses to function names: the nearest text symbol at or below, the new ones found in one pass.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Kallsyms } from '../../source/kernel/kallsyms.js';

test('an address names the text symbol it falls in, with its offset; data symbols and unknown addresses do not', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'nettop-kallsyms-'));
	try {
		const file = path.join(dir, 'kallsyms');
		writeFileSync(file, ['ffffffff81000000 T _stext', 'ffffffff81001000 t tcp_v4_rcv', 'ffffffff81001800 D some_data', 'ffffffff81002000 T udp_rcv [udp]', ''].join('\n'));
		const k = new Kallsyms(file);
		const at = (hex: string) => BigInt(`0x${hex}`);
		assert.deepEqual(
			[k.name(at('ffffffff810011a3')), k.name(at('ffffffff81001900')), k.name(at('ffffffff81002004')), k.name(at('ffffffff80000000')), k.name(0n)],
			['tcp_v4_rcv+0x1a3', 'tcp_v4_rcv+0x900', 'udp_rcv+0x4', '0xffffffff80000000', '-'],
		);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test('addresses not seen before are looked up together, in one pass; known ones cost none', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'nettop-kallsyms-'));
	try {
		const file = path.join(dir, 'kallsyms');
		// Modules' symbols come after the kernel's, out of address order.
		writeFileSync(file, ['ffffffff81000000 T _stext', 'ffffffff81003000 t nf_hook_slow', 'ffffffffc0001000 t nft_do_chain\t[nf_tables]', 'ffffffff81001000 t tcp_v4_rcv', '0000000000000000 T hidden', ''].join('\n'));
		const k = new Kallsyms(file);
		const at = (hex: string) => BigInt(`0x${hex}`);
		k.resolve([at('ffffffff81001010'), at('ffffffffc0001020'), at('ffffffff81003004'), at('ffffffff81001010'), 0n]);
		assert.equal(k.scans, 1);
		assert.deepEqual([k.name(at('ffffffff81001010')), k.name(at('ffffffffc0001020')), k.name(at('ffffffff81003004'))], ['tcp_v4_rcv+0x10', 'nft_do_chain+0x20', 'nf_hook_slow+0x4']);
		k.resolve([at('ffffffff81001010')]);
		assert.equal(k.scans, 1, 'nothing new: no pass');
		assert.equal(k.name(at('ffffffff80000010')), '0xffffffff80000010');
		assert.equal(k.scans, 2);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
