#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS MALLOC_ARENA_MAX=1 node --max-semi-space-size=2
// nettop's entry point: flags, the refresh loop feeding the pipeline and the chosen output, and a clean exit on every path.
// The #! line's choices (a small young generation, no extra CA certificates, one malloc arena) are explained in docs/performance.md.
import { openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import meow from 'meow';
import { preloadKernelBtf } from '../native/btf.js';
import { setLogSink } from '../native/log.js';
import { Collectors } from './collectors.js';
import { type Sample, type TabStates } from './features/index.js';
import { RecordingError } from './format/binary.js';
import { pieceWritten } from './format/json-piece.js';
import { explain } from './kernel/explain.js';
import { currentNetns } from './kernel/netns.js';
import { processExists } from './kernel/processes.js';
import { runLoop } from './loop.js';
import { HELP } from './help.js';
import { FLAGS, parseOptions, repeatedFlag, UsageError, valueArgv, webConfigArgv, type RawFlags } from './options.js';
import { headerModes } from './output/frame.js';
import { jsonPieces } from './output/json.js';
import { PlainTable } from './output/text.js';
import { Pipeline } from './pipeline.js';
import { liveHistory, openRecorder, type Recorder } from './record.js';
import { replay, replayUi } from './replay.js';
import { writeOut } from './output/stdout.js';
import type { StopTui } from './tui.js';
import { screenText, terminalStyle } from './ui/frame-lines.js';
import { UiStore } from './ui/store.js';

/** The alternate screen, cleared, cursor hidden: what Ink then draws over (tui.tsx enters it again, as it does alone). */
const ALT_SCREEN = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l';

/**
 * SIGUSR1 writes the UI's history (W). Node starts its inspector on it (a
 * debugger on 127.0.0.1:9229, in a root process) unless a listener is
 * installed: installed first thing, in every mode, replays too.
 */
let onUsr1: () => void = () => {
	process.stderr.write("nettop: SIGUSR1 writes the UI's history; none is kept here\n");
};
process.on('SIGUSR1', () => onUsr1());

function parseArgv() {
	try {
		return meow(HELP, {
			importMeta: import.meta,
			argv: valueArgv(webConfigArgv(process.argv.slice(2))),
			allowUnknownFlags: true, // reported by parseOptions in one line, exit 2
			flags: { ...FLAGS, help: { type: 'boolean', shortFlag: 'h' } },
		});
	} catch (error) {
		const usage = repeatedFlag(error);
		if (usage) fail(usage.message, 2);
		throw error;
	}
}

// The kernel's BTF parses on a worker thread while the flags are parsed (Collectors.open waits for it); in a
// terminal, once the UI's first frame is out instead, so that the frame does not wait for it.
// A replay reads no kernel.
const replaying = process.argv.some((a) => a === '-R' || a.startsWith('--replay'));
if (!(process.stdout.isTTY && process.stdin.isTTY) && !replaying) preloadKernelBtf();
const cli = parseArgv();

/**
 * Loads the UI. Ink renders nothing but the last frame when it believes it
 * runs in CI (CI or CONTINUOUS_INTEGRATION set, read once as it loads); a
 * user at a terminal wants live frames wherever the variable came from.
 */
async function importUi(): Promise<typeof import('./tui.js')> {
	const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
	// Ink's layout engine (yoga) decodes its inline wasm with fetch() when there
	// is one, and Node's fetch loads undici first, a library nettop does not need.
	// Without fetch it decodes the same bytes itself.
	const { fetch } = globalThis;
	globalThis.fetch = undefined as unknown as typeof fetch;
	try {
		return await import('./tui.js');
	} finally {
		globalThis.fetch = fetch;
		for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
	}
}

/** The tab shown when the collectors opened (keys pressed before were told to none). */
function onShowNow(collectors: Collectors, store: UiStore): void {
	const { tab, tabs } = store.getState();
	collectors.show(tab, tabs as unknown as Record<string, unknown>);
}

/** While the UI draws on the terminal, log lines wait for it to close. */
let uiOpen = false;

function fail(message: string, code: number): never {
	process.stderr.write(`nettop: ${message}\n`);
	process.exit(code);
}

async function main(): Promise<number> {
	if (cli.flags.help) cli.showHelp(0);
	let options;
	try {
		// meow typed each flag as its definition says: strings, booleans, or absent.
		options = parseOptions(cli.flags as RawFlags, cli.input, Object.keys(cli.unnormalizedFlags));
	} catch (error) {
		if (error instanceof UsageError) fail(error.message, 2);
		throw error;
	}
	if (options.replay) {
		const ui = !options.json && process.stdout.isTTY === true && process.stdin.isTTY === true && process.env.TERM !== 'dumb';
		if (ui && (options.begin || options.end || options.count !== undefined)) fail('--begin, --end and -n cut a replay to --json or the plain table (| less): in the UI, b jumps to a time', 2);
		if (ui && options.mergeMs !== undefined) fail('-i merges a replay\'s intervals for --json or the plain table (| less): the UI steps through them as recorded', 2);
		if (ui) onUsr1 = () => undefined; // a replay keeps no history, and the screen is not to be written over
		return (ui ? replayUi(options.replay, options, importUi) : replay(options.replay, options)).catch((error: unknown) => (error instanceof RecordingError ? fail(error.message, 2) : Promise.reject(error)));
	}
	// libbpf's log never reaches the UI: a file, stderr when no UI draws there, or after the UI.
	// TERM=dumb cannot take the UI's escapes: it gets the plain table.
	const tui = !options.json && !options.prometheus && !options.quiet && process.stdout.isTTY === true && process.stdin.isTTY === true && process.env.TERM !== 'dumb';
	const held: string[] = [];
	let logFd: number | undefined;
	if (options.logFile) {
		try {
			logFd = openSync(options.logFile, 'a');
		} catch (error) {
			fail(`--log ${options.logFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 2);
		}
	}
	// Only then: with a sink, objects load with libbpf's whole log (slower: native/log.ts quiet()).
	if (logFd !== undefined || options.verbose) {
		setLogSink((_level, line) => {
			if (logFd !== undefined) writeSync(logFd, `${line}\n`);
			if (!options.verbose) return;
			if (tui && uiOpen) held.push(line);
			else process.stderr.write(`${line}\n`);
		});
	}

	const stop = new AbortController();
	let exitCode = 0;
	const onSignal = (signal: NodeJS.Signals) => {
		exitCode = signal === 'SIGINT' ? 0 : 128 + (signal === 'SIGTERM' ? 15 : 1);
		stop.abort();
	};
	for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
	process.stdout.on('error', () => stop.abort()); // reader went away (| head): stop quietly

	// The UI (Ink and React load only for it) draws its first frame before the
	// BPF objects load, so the screen answers at once; data follows.
	const netns = currentNetns();
	const modes = headerModes(options.settings);
	let recorder: Recorder | undefined;
	let history: ReturnType<typeof liveHistory> | undefined;
	if (options.write) {
		try {
			recorder = openRecorder({ file: options.write, keep: options.keep, version: cli.pkg.version ?? '', intervalMs: options.intervalMs, netns, modes, onFailure: (line) => (tui && uiOpen ? held.push(line) : process.stderr.write(`nettop: ${line}\n`)) });
		} catch (error) {
			if (error instanceof RecordingError) fail(error.message, 2);
			throw error;
		}
	}
	const pipeline = new Pipeline(options.filter, processExists);
	let store: UiStore | undefined;
	let stopTui: StopTui | undefined;
	let collectors: Collectors | undefined;
	if (tui) {
		// A tab whose programs run only while it is shown (Latency) follows the keys.
		const onShow = (tab: string, tabs: TabStates) => collectors?.show(tab, tabs as unknown as Record<string, unknown>);
		history = options.historyMinutes > 0 ? liveHistory(options.historyMinutes, { version: cli.pkg.version ?? '', intervalMs: options.intervalMs, netns, modes }) : undefined;
		store = new UiStore(pipeline, { intervalMs: options.intervalMs, filter: options.filter, tab: options.tab, onShow, history: history?.history });
		const ui = store;
		onUsr1 = () => ui.dispatch({ type: 'write' });
		uiOpen = true;
		// The same first frame Ink will draw, written as text while Ink and React load (their
		// modules and layout engine take longer than the rest of the start to the first frame).
		const { color, unicode } = terminalStyle();
		const [width, height] = [process.stdout.columns || 80, (process.stdout.rows || 24) - 1];
		// The screen says it records, and where (the recording's header keeps the features' modes only).
		const shown = options.write ? [...modes, `-w ${path.basename(options.write)}`] : modes;
		process.stdout.write(`${ALT_SCREEN}${screenText({ state: store.getState(), width, height, color, unicode, currentNetns: netns, modes: shown })}`);
		preloadKernelBtf();
		const { startTui } = await importUi();
		stopTui = startTui(store, { currentNetns: netns, modes: shown, onQuit: () => stop.abort(), drawn: true });
		await new Promise((resolve) => setImmediate(resolve));
	}
	// --prometheus: listen first, so a port in use is said before anything loads (http loads only for it).
	let exporter: import('./output/prometheus.js').Exporter | undefined;
	let server: import('node:http').Server | undefined;
	if (options.prometheus) {
		const { Exporter, metricsUrl, serveMetrics } = await import('./output/prometheus.js');
		const { readWebConfig } = await import('./output/web-config.js');
		exporter = new Exporter(options.prometheusPid);
		server = await serveMetrics(options.prometheus, exporter, options.webConfigFile ? readWebConfig(options.webConfigFile) : undefined);
		// Where to point a scraper (or curl): nettop's own series at once, the features' once their programs have loaded.
		process.stderr.write(`serving ${metricsUrl(server)}\n`);
	}
	preloadKernelBtf(); // if not started yet (--json in a terminal)
	collectors = await Collectors.open(options.settings);
	if (store) onShowNow(collectors, store);
	if (collectors.empty) {
		server?.close();
		stopTui?.();
		uiOpen = false;
		collectors.close();
		fail(Object.values(collectors.unavailable())[0] ?? 'no collector could start', 1);
	}
	const plain = options.json || store || exporter || options.quiet ? undefined : new PlainTable({ intervalMs: options.intervalMs, filter: options.filter, currentNetns: netns, modes });
	const show = async (sample: Sample | undefined) => {
		if (!sample) return;
		if (exporter) exporter.add(sample);
		else if (plain) {
			if (!process.stdout.destroyed) process.stdout.write(`${plain.lines(sample).join('\n')}\n`);
		} else {
			// A piece once the reader took the last: a slow reader holds back a
			// piece of the line, not megabytes of it.
			for (const piece of jsonPieces(sample, { cost: options.cost })) await writeOut(piece, stop.signal, () => pieceWritten(piece));
			await writeOut('\n', stop.signal);
		}
	};
	try {
		const first = collectors.read(performance.now(), Date.now());
		if (store) store.publish(first);
		else if (!options.quiet) pipeline.push(first);
		recorder?.add(first);
		history?.ring.add(first);
		await runLoop({
			intervalMs: options.intervalMs,
			count: options.count,
			signal: stop.signal,
			async tick(mono) {
				// A reader slower than the interval (a pipe into a slow script): read
				// nothing now, so the kernel keeps counting and the next line covers
				// both intervals: memory stays bounded and no count is lost.
				if (!store && process.stdout.writableNeedDrain) return false;
				const reading = collectors.read(mono, Date.now());
				if (store) store.publish(reading);
				else if (!options.quiet) await show(pipeline.push(reading));
				// After the outputs: the recording holds what they read, the cgroup names they looked up too.
				recorder?.add(reading);
				history?.ring.add(reading);
				return true;
			},
		});
	} finally {
		// Stopped by -n, not by a key or a signal: the last frame stays on the screen.
		stopTui?.({ keepLastFrame: options.count !== undefined && !stop.signal.aborted });
		uiOpen = false;
		server?.closeAllConnections();
		server?.close();
		collectors.close();
		recorder?.close();
		for (const file of history?.written ?? []) held.push(`history written to ${file}`);
		for (const line of held) process.stderr.write(`${line}\n`);
	}
	return exitCode;
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		if (uiOpen) process.stdout.write('\x1b[?25h\x1b[?1049l'); // the UI's own exit handler restores too
		fail(explain(error instanceof Error ? error.message : String(error)), 1);
	},
);
