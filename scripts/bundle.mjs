// Bundles source/cli.ts into dist/bin (npm run build:bundle): one file for the
// CLI and --json, a chunk that only the UI loads (Ink, React).
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/*
 * meow's bundled dependencies run normalize-package-data's setup (spdx-correct
 * sorting its license tables among it) as the module loads, at every start,
 * for a function meow calls only when a program reads cli.pkg,
 * which nettop never does. Made lazy here: the same function, set up on its
 * first call. If meow's file changes, the build stops rather than bundling it
 * unchanged unnoticed.
 */
const EAGER = 'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);';
const LAZY = 'const normalizePackageData = (...args) => getDefaultExportFromCjs(requireNormalize())(...args);';

const lazyNormalize = {
	name: 'lazy-normalize-package-data',
	setup(b) {
		b.onLoad({ filter: /[\\/]meow[\\/]build[\\/]dependencies\.js$/ }, (args) => {
			const text = readFileSync(args.path, 'utf8');
			if (!text.includes(EAGER)) throw new Error(`${args.path}: normalize-package-data's setup is not where scripts/bundle.mjs expects it; update the script`);
			return { contents: text.replace(EAGER, LAZY), loader: 'js' };
		});
	},
};

/*
 * Ink draws each frame into an Output grid (ink/build/output.js) that
 * tokenizes every line of every frame anew: 5-7 ms a frame for 80x24 on a
 * 2-vCPU VM, the largest part of a refresh. source/ui/output.ts writes the
 * same text, byte for byte (test/ui/output.test.tsx holds it to Ink's), at a
 * tenth of that; the bundle gives Ink's renderer that one. If Ink's renderer
 * no longer imports its Output from there, the build stops.
 */
let outputReplaced = 0;
const fastOutput = {
	name: 'fast-ink-output',
	setup(b) {
		b.onResolve({ filter: /^\.\/output\.js$/ }, (args) => {
			if (!/[\\/]ink[\\/]build[\\/]renderer\.js$/.test(args.importer)) return undefined;
			outputReplaced++;
			return { path: path.resolve('source/ui/output.ts') };
		});
	},
};

/** Options both bundles share: Node 20, ESM, production React, koffi loaded from node_modules. */
const common = {
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	external: ['koffi', './devtools.js'],
	define: { 'process.env.NODE_ENV': '"production"' },
	logLevel: 'warning',
	// Bundled CommonJS code calls require(): give the ESM bundle one.
	banner: { js: "import { createRequire as __nettopRequire } from 'node:module'; const require = __nettopRequire(import.meta.url);" },
};

/** Builds one bundle; Ink's Output must have been replaced in it once. */
async function bundle(options) {
	outputReplaced = 0;
	await build({ ...common, ...options });
	if (outputReplaced !== 1) throw new Error(`Ink's renderer imported its Output ${outputReplaced} times where scripts/bundle.mjs expects once; update the script`);
}

rmSync('dist/bin', { recursive: true, force: true });
await bundle({ entryPoints: { nettop: 'source/cli.ts' }, splitting: true, outdir: 'dist/bin', chunkNames: '[name]-[hash]', plugins: [lazyNormalize, fastOutput] });
// The bench's refresh part (npm run bench) draws with the renderer that ships: bundled the same way, beside the tests, run as a process of its own.
rmSync('dist/bench', { recursive: true, force: true });
await bundle({ entryPoints: { refresh: 'test/bench/refresh-main.ts' }, outdir: 'dist/bench', plugins: [fastOutput] });
chmodSync('dist/bin/nettop.js', 0o755);
