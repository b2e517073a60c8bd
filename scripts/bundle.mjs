// Bundles source/cli.ts into dist/bin (npm run build:bundle): one file for the
// CLI and --json, a chunk that only the UI loads (Ink, React).
import { chmodSync, readFileSync, rmSync } from 'node:fs';
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

rmSync('dist/bin', { recursive: true, force: true });
await build({
	entryPoints: { nettop: 'source/cli.ts' },
	bundle: true,
	splitting: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	outdir: 'dist/bin',
	chunkNames: '[name]-[hash]',
	external: ['koffi', './devtools.js'],
	define: { 'process.env.NODE_ENV': '"production"' },
	logLevel: 'warning',
	// Bundled CommonJS code calls require(): give the ESM bundle one.
	banner: { js: "import { createRequire as __nettopRequire } from 'node:module'; const require = __nettopRequire(import.meta.url);" },
	plugins: [lazyNormalize],
});
chmodSync('dist/bin/nettop.js', 0o755);
