// Figures as Prometheus series: counters that add up each interval's deltas for the life of the process, histograms, and their text exposition.

export type Labels = Readonly<Record<string, string>>;

/** Where a feature puts one interval's figures (Feature.metrics). */
export interface MetricSink {
	/** --prometheus-pid: per-process series carry a pid label too (a series per process ever seen, for SERIES_IDLE_MS). */
	readonly pidLabel: boolean;
	/** Adds `delta` (>= 0) to counter `name` (ending in _total) for `labels`. */
	count(name: string, help: string, labels: Labels, delta: number): void;
	/**
	 * Adds one interval's samples to histogram `name` (base unit, seconds):
	 * `buckets` are [upper bound, count in that bucket alone], ascending; `sum` their sum.
	 */
	observe(name: string, help: string, labels: Labels, buckets: readonly (readonly [number, number])[], sum: number): void;
}

interface Family {
	readonly help: string;
	readonly type: 'counter' | 'histogram' | 'gauge';
	readonly series: Map<string, Series>;
}

interface Series {
	readonly labels: string;
	value: number;
	/** Histograms: count per upper bound (cumulative when written), and the sum. */
	buckets?: Map<number, number>;
	sum?: number;
	touched: number;
}

/** A series' netns_name label: the namespace's `ip netns` name, and no label for one without (Prometheus reads an empty label as none). */
export function netnsNameLabel(name: string | null | undefined): Labels {
	return name == null ? {} : { netns_name: name };
}

/** Series no feature reported for this long are dropped (a process or queue gone): 10 minutes. */
export const SERIES_IDLE_MS = 10 * 60_000;

/** A label value as the text format writes it: backslash, double quote and newline escaped. */
export function labelValue(v: string): string {
	return NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

const NEEDS_ESCAPE = /[\\"\n]/;

/** The labels as written inside the braces: also the series' key (tens of thousands a second: plain concatenation). */
function labelText(labels: Labels): string {
	let out = '';
	for (const k in labels) out += `${out === '' ? '' : ','}${k}="${labelValue(labels[k]!)}"`;
	return out;
}

/** A number as the text format writes it (+Inf for the last bucket). */
function num(n: number): string {
	return n === Infinity ? '+Inf' : Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(15)));
}

/** Every series nettop exports: features add to it each interval; a scrape writes it. */
export class MetricRegistry implements MetricSink {
	private readonly families = new Map<string, Family>();

	constructor(
		private readonly now: () => number = () => Date.now(),
		readonly pidLabel = false,
	) {}

	count(name: string, help: string, labels: Labels, delta: number): void {
		const s = this.series(name, help, 'counter', labels);
		if (delta > 0) s.value += delta;
		s.touched = this.now();
	}

	observe(name: string, help: string, labels: Labels, buckets: readonly (readonly [number, number])[], sum: number): void {
		const s = this.series(name, help, 'histogram', labels);
		s.buckets ??= new Map();
		let n = 0;
		// Every bound given, empty or not: a histogram's buckets stay the same from one scrape to the next.
		for (const [le, count] of buckets) {
			s.buckets.set(le, (s.buckets.get(le) ?? 0) + Math.max(0, count));
			n += Math.max(0, count);
		}
		s.value += n;
		s.sum = (s.sum ?? 0) + sum;
		s.touched = this.now();
	}

	/** Sets gauge `name` (nettop's own resident memory, say), or with `type` counter a total kept elsewhere (its CPU time). */
	set(name: string, help: string, labels: Labels, value: number, type: 'gauge' | 'counter' = 'gauge'): void {
		const s = this.series(name, help, type, labels);
		s.value = value;
		s.touched = this.now();
	}

	/**
	 * Drops the series no feature has reported for SERIES_IDLE_MS (a process
	 * that moved no byte since, a queue the NIC collector let go). A series
	 * reported, even with nothing to add, stays: dropping it would only have
	 * the next interval make it again from 0.
	 */
	forgetIdle(): void {
		const cutoff = this.now() - SERIES_IDLE_MS;
		for (const f of this.families.values()) for (const [key, s] of f.series) if (s.touched < cutoff) f.series.delete(key);
	}

	/**
	 * The text exposition format (version 0.0.4): HELP, TYPE, then each
	 * series; or OpenMetrics 1.0, whose counter families are named without
	 * their _total and which ends with # EOF.
	 */
	text(openMetrics = false): string {
		const out: string[] = [];
		for (const [name, f] of [...this.families].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
			const family = openMetrics && f.type === 'counter' ? name.replace(/_total$/, '') : name;
			out.push(`# HELP ${family} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${family} ${f.type}`);
			for (const s of f.series.values()) {
				const braces = (extra = '') => (s.labels || extra ? `{${[s.labels, extra].filter(Boolean).join(',')}}` : '');
				if (f.type !== 'histogram') {
					out.push(`${name}${braces()} ${num(s.value)}`);
					continue;
				}
				let cumulative = 0;
				for (const le of [...s.buckets!.keys()].sort((a, b) => a - b)) {
					cumulative += s.buckets!.get(le)!;
					out.push(`${name}_bucket${braces(`le="${num(le)}"`)} ${cumulative}`);
				}
				out.push(`${name}_bucket${braces('le="+Inf"')} ${num(s.value)}`, `${name}_sum${braces()} ${num(s.sum ?? 0)}`, `${name}_count${braces()} ${num(s.value)}`);
			}
		}
		if (openMetrics) out.push('# EOF');
		return `${out.join('\n')}\n`;
	}

	private series(name: string, help: string, type: Family['type'], labels: Labels): Series {
		let f = this.families.get(name);
		if (!f) this.families.set(name, (f = { help, type, series: new Map() }));
		const key = labelText(labels);
		let s = f.series.get(key);
		if (!s) f.series.set(key, (s = { labels: key, value: 0, touched: this.now() }));
		return s;
	}
}
