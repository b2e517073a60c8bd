// Connection load for scale tests: a server that holds every connection, many clients, and churn.
import type { Peer } from './peers.js';
import { Peer as PeerProcess } from './peers.js';
import type { Host, TestNet } from './netns.js';

/**
 * server HOST PORT: accept everything, read and drop, close on EOF.
 * many HOST PORT N HOLD [1]: open N connections, send 100 bytes on each, hold
 *   them HOLD seconds (with 1: sending a byte on each every second), close
 *   them all; prints "open N", then "closed".
 * churn HOST PORT SECS [RATE]: connect, send 10 bytes, close, for SECS
 *   seconds, at most RATE a second when given; prints the number made.
 */
const SCRIPT = `
import resource, selectors, socket, sys, time
_, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
role, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if role == 'server':
    ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, port)); ls.listen(4096); ls.setblocking(False)
    sel = selectors.DefaultSelector(); sel.register(ls, selectors.EVENT_READ)
    print('listening', flush=True)
    while True:
        for key, _ in sel.select():
            if key.fileobj is ls:
                while True:
                    try:
                        c, _ = ls.accept()
                    except BlockingIOError:
                        break
                    c.setblocking(False); sel.register(c, selectors.EVENT_READ)
                continue
            try:
                d = key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                d = b''
            if not d:
                sel.unregister(key.fileobj); key.fileobj.close()
elif role == 'many':
    n, hold, pulse = int(sys.argv[4]), float(sys.argv[5]), len(sys.argv) > 6 and sys.argv[6] == '1'
    conns = []
    for _ in range(n):
        s = socket.create_connection((host, port)); s.sendall(b'x' * 100); conns.append(s)
    print('open', n, flush=True)
    end = time.time() + hold
    while time.time() < end:
        if pulse:
            for s in conns:
                s.send(b'.')
        time.sleep(min(1, max(0, end - time.time())))
    for s in conns:
        s.close()
    print('closed', flush=True)
else:
    start = time.time()
    end, rate, n = start + float(sys.argv[4]), float(sys.argv[5]) if len(sys.argv) > 5 else 0, 0
    while time.time() < end:
        s = socket.create_connection((host, port)); s.sendall(b'y' * 10); s.close(); n += 1
        if rate and n % 100 == 0:
            ahead = start + n / rate - time.time()
            if ahead > 0:
                time.sleep(ahead)
    print(n, flush=True)
`;

export async function holdingServer(net: TestNet, host: Host, port: number): Promise<Peer> {
	const p = new PeerProcess(net.spawn(host, 'python3', ['-c', SCRIPT, 'server', host.ip4, String(port)]));
	await p.waitFor('listening');
	return p;
}

export function manyConnections(net: TestNet, host: Host, to: string, port: number, n: number, holdSeconds: number, pulse = false): Peer {
	return new PeerProcess(net.spawn(host, 'python3', ['-c', SCRIPT, 'many', to, String(port), String(n), String(holdSeconds), pulse ? '1' : '0']));
}

export function churn(net: TestNet, host: Host, to: string, port: number, seconds: number, rate = 0): Peer {
	return new PeerProcess(net.spawn(host, 'python3', ['-c', SCRIPT, 'churn', to, String(port), String(seconds), String(rate)]));
}

/**
 * serve HOST PORT PROCS: PROCS processes accept and close at once (the
 * server's FIN first, so no client port waits in TIME_WAIT). churn HOST PORT
 * PROCS SECONDS RATE COUNT: PROCS processes connect, read the EOF and close, RATE
 * connections a second in all, for SECONDS; prints how many were made. Forked
 * processes die with the first (PR_SET_PDEATHSIG), so killing it ends them all.
 * With COUNT (0: none) the churn also stops once COUNT connections are made.
 */
const CLOSING = `
import ctypes, os, socket, sys, time
role, host, port, procs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if role == 'serve':
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port)); s.listen(4096)
    for _ in range(procs - 1):
        if os.fork() == 0:
            ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG: SIGKILL when the first process dies
            break
    print('listening', flush=True)
    while True:
        c, _ = s.accept(); c.close()
seconds, rate, limit = float(sys.argv[5]), float(sys.argv[6]) / procs, int(sys.argv[7]) // procs
r, w = os.pipe()
kids = []
for _ in range(procs):
    pid = os.fork()
    if pid == 0:
        ctypes.CDLL(None).prctl(1, 9)
        n, start = 0, time.monotonic()
        while time.monotonic() - start < seconds and (limit == 0 or n < limit):
            ahead = n / rate - (time.monotonic() - start)
            if ahead > 0: time.sleep(ahead)
            c = socket.create_connection((host, port)); c.recv(1); c.close(); n += 1
        os.write(w, f'{n}\\n'.encode()); os._exit(0)
    kids.append(pid)
for k in kids: os.waitpid(k, 0)
os.close(w)
print(sum(int(x) for x in os.read(r, 65536).split()), flush=True)
`;

/** A server of PROCS processes that closes each connection as it accepts it. */
export async function closingServer(net: TestNet, host: Host, port: number, procs: number): Promise<Peer> {
	const p = new PeerProcess(net.spawn(host, 'python3', ['-c', CLOSING, 'serve', host.ip4, String(port), String(procs)]));
	await p.waitFor('listening');
	return p;
}

/** `rate` connections a second for `seconds` (or until `count` are made, a multiple of `procs`) from `procs` processes, each read to the server's EOF and closed. */
export function eofChurn(net: TestNet, host: Host, to: string, port: number, procs: number, seconds: number, rate: number, count = 0): Peer {
	return new PeerProcess(net.spawn(host, 'python3', ['-c', CLOSING, 'churn', to, String(port), String(procs), String(seconds), String(rate), String(count)]));
}
