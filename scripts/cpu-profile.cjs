// CPU profiles of every node process of a run (node refuses --cpu-prof in NODE_OPTIONS; this takes its place):
//   NODE_OPTIONS="--require $PWD/scripts/cpu-profile.cjs" BENCH_ONLY=flows-10k npm run bench
// Each process writes <dir>/<pid>-<argv>.cpuprofile as it exits; dir is NETTOP_PROFILE_DIR, else the temp dir.
// NETTOP_PROFILE_US sets the sampling interval (µs, default 500). Profiled, a process uses about twice the CPU.
const inspector = require('node:inspector');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const dir = process.env.NETTOP_PROFILE_DIR || os.tmpdir();
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: Number(process.env.NETTOP_PROFILE_US) || 500 });
session.post('Profiler.start');
const name = process.argv.slice(1).join(' ').replace(/[^a-z0-9]+/gi, '_').slice(-60);
process.on('exit', () => {
	session.post('Profiler.stop', (error, result) => {
		if (!error) fs.writeFileSync(path.join(dir, `${process.pid}-${name}.cpuprofile`), JSON.stringify(result.profile));
	});
});
