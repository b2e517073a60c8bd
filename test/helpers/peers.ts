// TCP peers for the tests: a receiver that counts what it reads, a sender that sends a known byte count.
import type { ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { exited, until } from './exec.js';
import type { Host, TestNet } from './netns.js';

/**
 * One Python script, two roles. recv HOST PORT PEEK: accept one connection,
 * read to EOF (with a MSG_PEEK before every 4th read when PEEK is 1), print
 * the byte count. send HOST PORT BYTES HOW PACE: send BYTES with send() in
 * 64 KiB chunks (HOW=send, sleeping PACE seconds between chunks), with
 * sendfile() of a file that size (HOW=sendfile), or fork after connecting
 * and send BYTES from each process at once over the one socket, printing the
 * child's pid (HOW=fork); then wait for the peer to close.
 */
const SCRIPT = `
import os, socket, sys, tempfile, time
role, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = socket.AF_INET6 if ':' in host else socket.AF_INET
if role == 'recv':
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port)); s.listen(1)
    print('listening', flush=True)
    c, _ = s.accept()
    peek, total, n = sys.argv[4] == '1', 0, 0
    while True:
        if peek and n % 4 == 0:
            c.recv(65536, socket.MSG_PEEK)
        b = c.recv(65536)
        if not b:
            break
        total += len(b); n += 1
    print(total, flush=True)
else:
    nbytes, how, pace = int(sys.argv[4]), sys.argv[5], float(sys.argv[6])
    s = socket.create_connection((host, port))
    print('connected', flush=True)
    if how == 'sendfile':
        with tempfile.TemporaryFile() as f:
            f.write(b'\\0' * nbytes); f.flush(); f.seek(0)
            s.sendfile(f)
    elif how == 'fork':
        child, chunk, left = os.fork(), b'x' * 65536, nbytes
        while left > 0:
            k = min(left, len(chunk)); s.sendall(chunk[:k]); left -= k
        if child == 0:
            os._exit(0)
        os.waitpid(child, 0)
        print('child', child, flush=True)
    else:
        chunk, left = b'x' * 65536, nbytes
        while left > 0:
            k = min(left, len(chunk)); s.sendall(chunk[:k]); left -= k
            if pace:
                time.sleep(pace)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    print(nbytes, flush=True)
`;

export class Peer {
	output = '';
	constructor(readonly child: ChildProcess) {
		child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.output += d));
	}

	get pid(): number {
		return this.child.pid!;
	}

	async waitFor(text: string, timeoutMs = 10_000): Promise<void> {
		assert.ok(await until(() => this.output.includes(text) || this.child.exitCode !== null, timeoutMs), `peer never printed "${text}"`);
		assert.ok(this.output.includes(text), `peer exited (${this.child.exitCode}) before printing "${text}"`);
	}

	/** Waits for exit; returns the byte count the script printed last. */
	async done(timeoutMs = 60_000): Promise<number> {
		const code = await exited(this.child, timeoutMs);
		assert.equal(code, 0, `peer exited with ${code}`);
		return Number(this.output.trim().split('\n').pop());
	}
}

export async function receiver(net: TestNet, host: Host, port: number, peek = false, ip = host.ip4): Promise<Peer> {
	const peer = new Peer(net.spawn(host, 'python3', ['-c', SCRIPT, 'recv', ip, String(port), peek ? '1' : '0']));
	await peer.waitFor('listening');
	return peer;
}

export function sender(net: TestNet, host: Host, to: string, port: number, bytes: number, how: 'send' | 'sendfile' | 'fork' = 'send', pace = 0): Peer {
	return new Peer(net.spawn(host, 'python3', ['-c', SCRIPT, 'send', to, String(port), String(bytes), how, String(pace)]));
}
