// The set of collectors: every feature's, opened with the kernel state they share; one that cannot run is kept as the reason why.
import { kernelBtfLoaded, releaseKernelBtf } from '../native/btf.js';
import type { ProgramStats } from '../native/object.js';
import { ALL_FEATURES, keyed, type FeatureKey, type Reading } from './features/index.js';
import type { Collector } from './features/feature.js';
import { explain } from './kernel/explain.js';
import { CgroupPaths } from './kernel/cgroups.js';
import { netnsNames } from './kernel/netns.js';
import { SocketOwners, STATE_STAMPERS } from './kernel/owners.js';
import { NetnsActivity } from './kernel/snmp.js';
import { isUnavailable, type Maybe, type ProgramTotals, type Snapshot } from './model/reading.js';

function firstLine(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

export class Collectors {
	private readonly cgroups = new CgroupPaths();
	private readonly collectors: readonly { readonly key: string; readonly collector: Maybe<Collector<Snapshot>> }[];

	/**
	 * Opens every feature's collector, side by side (each object loads on a
	 * worker thread); the first in the registry's order that tracks sockets
	 * provides the owner stamps the others share. `settings` are the
	 * features' flag values by name.
	 */
	static async open(settings: Readonly<Record<string, unknown>> = {}): Promise<Collectors> {
		const context = { settings, owners: new SocketOwners(), netns: new NetnsActivity() };
		await kernelBtfLoaded(); // the objects' checks read it: parsed meanwhile when cli.ts started it
		const opened = await Promise.all(
			ALL_FEATURES.map(async (f) => {
				try {
					return { key: f.key, collector: await f.open(context) };
				} catch (error) {
					return { key: f.key, collector: { unavailable: explain(firstLine(error)) } };
				}
			}),
		);
		// The kernel's BTF served to choose programs; tens of MB not to keep, freed before the first read adds its own.
		releaseKernelBtf();
		return new Collectors(opened, context.netns);
	}

	private constructor(
		collectors: readonly { readonly key: string; readonly collector: Maybe<Collector<Snapshot>> }[],
		private readonly netns: NetnsActivity,
	) {
		this.collectors = collectors;
	}

	/** The reasons of the collectors that could not start, by feature. */
	unavailable(): Partial<Record<FeatureKey, string>> {
		const out: Partial<Record<string, string>> = {};
		for (const { key, collector } of this.collectors) if (isUnavailable(collector)) out[key] = collector.unavailable;
		return out;
	}

	/** True when no collector could start (an on-demand one that loaded nothing yet does not count). */
	get empty(): boolean {
		return this.collectors.every(({ collector }) => isUnavailable(collector) || collector.active === false);
	}

	/** Every collector's snapshot now. `mono` is a monotonic clock (ms), `wall` the epoch time (ms). */
	read(mono: number, wall: number): Reading {
		this.netns.begin(); // the registry's order: the NIC's packets are marked before Connections and Drops read the MIBs
		const usage = process.cpuUsage();
		const reading: Record<string, unknown> = { mono, wall, cpuUs: usage.user + usage.system, netnsNames: netnsNames(), cgroups: this.cgroups };
		const programs: Record<string, ProgramTotals> = {};
		for (const { key, collector } of this.collectors) {
			if (isUnavailable(collector)) {
				reading[key] = collector;
				continue;
			}
			reading[key] = collector.read(mono);
			programs[key] = programTotals(collector.obj.programStats());
		}
		reading.programs = programs;
		return keyed<Reading>(reading);
	}

	/** The tab shown and every tab's state: collectors that load on demand follow them. */
	show(tab: string, tabs: Readonly<Record<string, unknown>>): void {
		for (const { key, collector } of this.collectors) if (!isUnavailable(collector)) collector.show?.(key === tab, tabs[key]);
	}

	/** Closes in reverse order: an object reusing another's owner map goes first. */
	close(): void {
		for (const { collector } of [...this.collectors].reverse()) if (!isUnavailable(collector)) collector.close();
	}
}

/** A feature's programs added up: their time and runs, and the misses that lose something (not the state stampers', source/kernel/owners.ts). */
export function programTotals(stats: readonly ProgramStats[]): ProgramTotals {
	return stats.reduce(
		(t, p) => ({ recursionMisses: t.recursionMisses + (STATE_STAMPERS.has(p.name) ? 0 : p.recursionMisses), runTimeNs: t.runTimeNs + p.runTimeNs, runCount: t.runCount + p.runCount }),
		{ recursionMisses: 0, runTimeNs: 0, runCount: 0 },
	);
}
