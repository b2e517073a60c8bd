// The benchmarks' clock: CPU time of the calling thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)).
import koffi from 'koffi';

const CLOCK_THREAD_CPUTIME_ID = 3;
const Timespec = koffi.struct('nettop_bench_timespec', { tv_sec: 'int64_t', tv_nsec: 'long' });
const clockGettime = koffi.load('libc.so.6').func('int clock_gettime(int clock, _Out_ nettop_bench_timespec *ts)');

/** CPU time the calling thread has used, in ms: exact to the call, unlike process.cpuUsage(), which adds every thread. */
export function threadCpuMs(): number {
	const ts = { tv_sec: 0, tv_nsec: 0 };
	if (clockGettime(CLOCK_THREAD_CPUTIME_ID, ts) !== 0) throw new Error('clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed');
	return Number(ts.tv_sec) * 1000 + Number(ts.tv_nsec) / 1e6;
}
