// TypeScript's view of each shared struct equals what the C compiler laid out (the objects' BTF).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FEATURES } from '../../source/features/index.js';
import { flowId, slotCtl, slotRef, sockOwner } from '../../source/kernel/layouts.js';
import { bpfDir } from '../../source/kernel/objects.js';

interface BtfStruct {
	kind: string;
	name: string;
	size: number;
	members: { name: string; bits_offset: number }[];
}

function structsInObjects(): Map<string, BtfStruct> {
	const out = new Map<string, BtfStruct>();
	const objects = readdirSync(bpfDir()).filter((f) => f.endsWith('.bpf.o'));
	assert.ok(objects.length > 0, `no compiled objects in ${bpfDir()}: run npm run build`);
	for (const file of objects) {
		const json = execFileSync('bpftool', ['-j', 'btf', 'dump', 'file', path.join(bpfDir(), file)], { encoding: 'utf8', maxBuffer: 64 << 20 });
		for (const t of (JSON.parse(json) as { types: BtfStruct[] }).types) if (t.kind === 'STRUCT') out.set(t.name, t);
	}
	return out;
}

test('every layout the features and their shared headers declare matches the C struct: size, fields, offsets', () => {
	const structs = structsInObjects();
	// The structs of bpf/nettop.h, then each feature's own (bpf/<key>.h).
	for (const layout of [sockOwner, flowId, slotCtl, slotRef, ...FEATURES.flatMap((f) => f.layouts)]) {
		const c = structs.get(layout.name);
		assert.ok(c, `struct ${layout.name} is not in any compiled object`);
		assert.equal(layout.size, c.size, `sizeof(struct ${layout.name})`);
		const cFields = Object.fromEntries(c.members.map((m) => [m.name, m.bits_offset / 8]));
		const tsFields = Object.fromEntries(Object.entries(layout.fields).map(([name, f]) => [name, f.offset]));
		assert.deepEqual(tsFields, cFields, `fields of struct ${layout.name}`);
	}
});
