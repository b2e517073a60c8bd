// The code's shape, as docs/architecture.md states it: layers imported downward only, no import circle, features apart, small files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(dir: string): string[] {
	return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
		const rel = path.join(dir, name);
		if (statSync(path.join(ROOT, rel)).isDirectory()) return sourceFiles(rel);
		return /\.tsx?$/.test(name) ? [rel] : [];
	});
}

const FILES = [...sourceFiles('native'), ...sourceFiles('source')];

interface Import {
	readonly to: string;
	readonly typeOnly: boolean;
}

/** The files a file imports (resolved to their .ts/.tsx source), and the packages. */
function importsOf(file: string): { local: Import[]; packages: Import[] } {
	const text = readFileSync(path.join(ROOT, file), 'utf8');
	const local: Import[] = [];
	const packages: Import[] = [];
	for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/gm)) {
		const spec = m[3] ?? m[4]!;
		const typeOnly = m[2] !== undefined;
		if (!spec.startsWith('.')) {
			packages.push({ to: spec, typeOnly });
			continue;
		}
		const base = path.join(path.dirname(file), spec).replace(/\.js$/, '');
		const to = [`${base}.ts`, `${base}.tsx`].find((f) => FILES.includes(f));
		assert.ok(to, `${file}: import ${spec} names no source file`);
		local.push({ to, typeOnly });
	}
	return { local, packages };
}

/**
 * The layers, lowest first: a file may import its own layer and those below.
 * Within a feature's folder, its layouts and model come first: the model
 * imports nothing from the collector or the outputs.
 */
const LAYERS: [RegExp, number][] = [
	[/^native\//, 0],
	[/^source\/loop\.ts$/, 1],
	[/^source\/model\//, 1],
	[/^source\/format\//, 2],
	[/^source\/kernel\//, 3],
	[/^source\/features\/feature\.ts$/, 4],
	[/^source\/features\/[^/]+\/(layouts|model|snapshot|[a-z-]+-model)\.ts$/, 5],
	[/^source\/features\/[^/]+\/index\.ts$/, 7],
	[/^source\/features\/[^/]+\//, 6],
	[/^source\/features\/index\.ts$/, 8],
	[/^source\/(collectors|pipeline|options)\.ts$/, 9],
	[/^source\/recording\//, 9],
	[/^source\/output\//, 10],
	[/^source\/ui\//, 11],
	[/^source\/(tui\.tsx|cli\.ts|replay\.ts|record\.ts|help\.ts)$/, 12],
];

function layer(file: string): number {
	const found = LAYERS.find(([re]) => re.test(file));
	assert.ok(found, `${file} is in no layer: add it to docs/architecture.md and this test`);
	return found[1];
}

const featureOf = (file: string) => /^source\/features\/([^/]+)\//.exec(file)?.[1];

test('imports run downward only, and one feature never imports another', () => {
	const wrong: string[] = [];
	for (const file of FILES) {
		for (const { to } of importsOf(file).local) {
			if (layer(to) > layer(file)) wrong.push(`${file} (layer ${layer(file)}) imports ${to} (layer ${layer(to)})`);
			const [a, b] = [featureOf(file), featureOf(to)];
			if (a && b && a !== b) wrong.push(`${file} imports another feature's ${to}`);
		}
	}
	assert.deepEqual(wrong, []);
});

test('no import circle', () => {
	const graph = new Map(FILES.map((f) => [f, importsOf(f).local.map((i) => i.to)]));
	const state = new Map<string, 'open' | 'done'>();
	const circles: string[] = [];
	const visit = (file: string, trail: string[]) => {
		if (state.get(file) === 'done') return;
		if (state.get(file) === 'open') {
			circles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
			return;
		}
		state.set(file, 'open');
		for (const to of graph.get(file)!) visit(to, [...trail, file]);
		state.set(file, 'done');
	};
	for (const file of FILES) visit(file, []);
	assert.deepEqual(circles, []);
});

test('koffi only in native/; React and Ink only in the UI (the key map takes Ink\'s key type)', () => {
	const wrong: string[] = [];
	for (const file of FILES) {
		for (const { to, typeOnly } of importsOf(file).packages) {
			if (to === 'koffi' && !file.startsWith('native/')) wrong.push(`${file} imports koffi`);
			const ui = file.startsWith('source/ui/') || file === 'source/tui.tsx';
			if (/^(react|ink)$/.test(to) && !(ui && (typeOnly || file.endsWith('.tsx')))) wrong.push(`${file} imports ${to}${typeOnly ? ' (types)' : ''}`);
		}
	}
	assert.deepEqual(wrong, []);
});

test('every source file is under 300 lines, named in kebab-case, and opens with a line saying what it is for', () => {
	const wrong: string[] = [];
	for (const file of FILES) {
		const text = readFileSync(path.join(ROOT, file), 'utf8');
		const lines = text.split('\n').length - 1;
		if (lines > 300) wrong.push(`${file}: ${lines} lines`);
		if (!/^[a-z0-9]+(-[a-z0-9]+)*\.tsx?$/.test(path.basename(file))) wrong.push(`${file}: not kebab-case`);
		const first = text.startsWith('#!') ? text.split('\n')[1]! : text.split('\n')[0]!;
		if (!first.startsWith('// ')) wrong.push(`${file}: no opening comment`);
	}
	assert.deepEqual(wrong, []);
});

test('a feature is one folder, one BPF file with its header, and one registry line', () => {
	const registry = readFileSync(path.join(ROOT, 'source/features/index.ts'), 'utf8');
	const listed = /export const FEATURES = \[([^\]]*)\] as const;/.exec(registry)?.[1]?.split(',').map((s) => s.trim());
	assert.ok(listed && listed.length > 0, 'the registry lists the features');
	const folders = readdirSync(path.join(ROOT, 'source/features')).filter((f) => statSync(path.join(ROOT, 'source/features', f)).isDirectory());
	assert.deepEqual([...folders].sort(), [...listed].sort(), 'each folder is registered, each registered feature has a folder');
	const bpf = readdirSync(path.join(ROOT, 'bpf'));
	for (const name of folders) {
		assert.ok(bpf.includes(`${name}.bpf.c`) && bpf.includes(`${name}.h`), `bpf/${name}.bpf.c and bpf/${name}.h`);
		assert.match(readFileSync(path.join(ROOT, `source/features/${name}/index.ts`), 'utf8'), new RegExp(`key: '${name}'`), `${name}/index.ts defines the feature keyed ${name}`);
	}
	for (const name of listed) assert.ok(!['time', 'interval', 'lost', 'mono', 'wall'].includes(name), `${name}: a key of the JSON line and the reading of its own`);
	const objects = bpf.filter((f) => f.endsWith('.bpf.c')).map((f) => f.replace('.bpf.c', ''));
	assert.deepEqual(objects.sort(), [...folders].sort(), 'every BPF object belongs to a feature');
});
