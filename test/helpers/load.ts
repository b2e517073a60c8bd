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
