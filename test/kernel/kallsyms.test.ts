// Kernel addresses to function names: the nearest text symbol at or below, from an index built once.
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
