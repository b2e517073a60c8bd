// Start-up: from exec to the first --json line and to the first UI frame; bpftrace attaching the same probes.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { kernelHasTracepoint, releaseKernelBtf } from '../../native/btf.js';
import { Collectors } from '../../source/collectors.js';
import { CLI } from '../helpers/nettop.js';
import { inTerminal, median, timeUntilOutput } from './measure.js';

/** A bpftrace program counting on the tracepoints nettop uses, printing "ready" once attached. */
export const BPFTRACE_EQUIVALENT = `
tracepoint:net:net_dev_start_xmit { @txb[str(args->name), args->queue_mapping] = sum(args->len); @txp[str(args->name), args->queue_mapping] = count(); }
tracepoint:net:netif_receive_skb { @rxb[str(args->name)] = sum(args->len); @rxp[str(args->name)] = count(); }
tracepoint:sock:sock_send_length /args->protocol == 6 && args->ret > 0/ { @tx[pid, args->sk] = sum(args->ret); }
tracepoint:sock:sock_recv_length /args->protocol == 6 && args->ret > 0/ { @rx[pid, args->sk] = sum(args->ret); }
tracepoint:tcp:tcp_probe { @rtt[args->sock_cookie] = hist(args->srtt); }
tracepoint:tcp:tcp_retransmit_skb { @rtx[args->skaddr] = count(); }
tracepoint:tcp:tcp_destroy_sock { @closed = count(); }
tracepoint:sock:inet_sock_set_state /args->protocol == 6/ { @state[((struct sock *)args->skaddr)->__sk_common.skc_net.net->ns.inum, args->oldstate, args->newstate] = count(); }
tracepoint:tcp:tcp_send_reset { @rst_out = count(); }
tracepoint:tcp:tcp_receive_reset { @rst_in = count(); }
tracepoint:syscalls:sys_exit_accept4 /args->ret >= 0/ { @accepts[pid] = count(); }
tracepoint:skb:kfree_skb /args->reason > 1/ { @drops[args->reason, args->protocol] = count(); }
BEGIN { printf("ready\\n"); }
`;

async function once(argv: string[], pattern: RegExp, pty = false, env = process.env): Promise<number> {
	// The UI needs a terminal: script(1) gives it a pty.
	const child = pty ? inTerminal(argv.join(' ')) : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
	try {
		return await timeUntilOutput(child, pattern);
	} finally {
		// script(1) hangs up its pty on SIGTERM, which ends the UI like a dropped session.
		// A signal that lands while bpftrace is still attaching can go unseen: send it again, then SIGKILL.
		const exited = new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
		for (let i = 0; i < 6 && child.exitCode === null; i++) {
			child.kill(i === 5 ? 'SIGKILL' : pty ? 'SIGTERM' : 'SIGINT');
			await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
		}
		await exited;
	}
}

/** Medians over `runs`: exec to the first line and frame, bpftrace, and the parts of nettop's start-up no choice of ours removes. */
export async function startup(runs = 5) {
	const json: number[] = [];
	const frame: number[] = [];
	const bpftrace: number[] = [];
	const node: number[] = [];
	const nodeCerts: number[] = [];
	const objects: number[] = [];
	const btf: number[] = [];
	// nettop's #! line drops NODE_EXTRA_CA_CERTS (node would parse those certificates first).
	const { NODE_EXTRA_CA_CERTS: certs, ...launched } = process.env;
	for (let i = 0; i < runs; i++) {
		json.push(await once([CLI, '--json', '-i', '0.01', '-n', '1'], /^\{"time"/m));
		frame.push(await once([CLI, '-i', '1'], /1 NIC/, true));
		bpftrace.push(await once(['bpftrace', '-e', BPFTRACE_EQUIVALENT], /ready/));
		// Node starting and printing, nothing else, in the environment nettop's #! line leaves it; and in this one, when it names certificates.
		node.push(await once([process.execPath, '-e', 'console.log("up")'], /up/, false, launched));
		if (certs) nodeCerts.push(await once([process.execPath, '-e', 'console.log("up")'], /up/));
		// Opening, loading (libbpf, the verifier) and attaching the four BPF objects, in this process.
		const t0 = performance.now();
		(await Collectors.open()).close();
		objects.push(performance.now() - t0);
		// The kernel's BTF parsed once on this thread, as a check of nettop's needs it (nettop now parses it ahead, on a worker thread).
		releaseKernelBtf();
		const b0 = performance.now();
		kernelHasTracepoint('net_dev_start_xmit');
		btf.push(performance.now() - b0);
		releaseKernelBtf();
	}
	return { json: median(json), frame: median(frame), bpftrace: median(bpftrace), node: median(node), nodeCerts: certs ? median(nodeCerts) : undefined, objects: median(objects), btf: median(btf) };
}
