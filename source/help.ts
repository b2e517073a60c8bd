// nettop --help: the flags, the keys, an example or two; --help fits 80 columns (test/cli.test.ts).
import { FEATURE_KEYS } from './features/index.js';
import { FEATURE_FLAG_USAGE, TAB_NAMES } from './options.js';

export const HELP = `
  Usage
    $ sudo nettop [options]

  Options
    --json             print one JSON object per interval (NDJSON), no UI
    --cost             with --json: add nettop's CPU and its programs' time
    -i, --interval S   seconds between refreshes (default 1, fractions allowed)
    -n, --count N      stop after N intervals
    -p, --pid PID,...  TCP outputs: only these processes (repeatable)
    -P, --port PORT,.. TCP outputs: only these local or remote ports, repeatable
    -4, --ipv4         TCP outputs: IPv4 only (IPv4-mapped IPv6 counts as IPv4)
    -6, --ipv6         TCP outputs: IPv6 only
    --no-loopback      TCP outputs: leave out connections within the host
    --cgroup TEXT      only processes whose cgroup or container id holds TEXT
    --prometheus [HOST]:PORT
                       no UI: serve the figures at http://HOST:PORT/metrics
    --web.config.file FILE
                       with --prometheus: TLS and basic auth (node_exporter's)
    --prometheus-pid   with --prometheus: a pid label on per-process series
    -w, --write FILE   also record every interval to FILE (appends a run)
    -q, --quiet        with -w: show nothing, only record
    --keep N           with -w nettop-%Y%m%d.rec: a file a day, N kept
    --history MIN      UI: minutes kept (10) for T to step back, W to save
    -R, --replay FILE  replay a recording (no root needed); t/T step, spc plays
    --begin/--end TIME with -R: from, to HH:MM[:SS], DATE HH:MM, -5m, +10m
    -i S with -R       to --json or the table: intervals merged, S seconds each
${FEATURE_FLAG_USAGE}
    -t, --tab TAB      first tab: ${TAB_NAMES}
    --verbose          libbpf's log to stderr (after the UI, in UI mode)
    --log FILE         append libbpf's log to FILE
    --version          print the version
    -h, --help         print this help

  Keys in the UI: 1-${FEATURE_KEYS.length} or Tab switch tabs, p filters by PID, P or / by port,
  C by cgroup or container, Esc clears, s sorts, space pauses, ? lists every
  key, q quits. In a replay: t/T next/previous interval, r the first.

  Values are deltas over each interval, read from eBPF programs that count in
  the kernel. Without a terminal (a pipe), a plain table per interval.
  Needs root, or CAP_BPF and CAP_PERFMON.

  Examples
    $ sudo nettop --json -i 0.5 -n 3
    $ sudo nettop --json -P 443 -4
`;
