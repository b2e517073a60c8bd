// Clients that stall an HTTP server: one sends garbage, one connects and says nothing, 20 ask for /metrics 50 times each and never read.
import { connect, type Socket } from 'node:net';

/** Opens them against 127.0.0.1:`port`; destroy() each when done. */
export function stallingClients(port: number): Socket[] {
	const sockets: Socket[] = [];
	const open = () => {
		const c = connect(port, '127.0.0.1');
		c.on('error', () => undefined);
		sockets.push(c);
		return c;
	};
	open().write('\x16\x03\x01 garbage that is no HTTP\r\n\r\n');
	open(); // connected, says nothing
	for (let i = 0; i < 20; i++) {
		// Asks for /metrics again and again and never reads: its replies pile up in the kernel's buffers.
		const c = open();
		c.pause();
		for (let k = 0; k < 50; k++) c.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
	}
	return sockets;
}
