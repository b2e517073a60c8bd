// BpfIterator: an attached BPF iterator, run once per read() over its map.
import { BpfError, check } from './errors.js';
import { koffi, lib } from './libbpf.js';

/** An attached iterator: each read() runs it once over its map and returns all it wrote. */
export class BpfIterator {
	private buffer = Buffer.alloc(64 * 1024);

	constructor(
		readonly name: string,
		private readonly linkFd: number,
	) {}

	/** bpf_iter_create, then read to the end. The bytes are valid until the next read(). */
	read(): Buffer {
		const l = lib();
		const fd = check('bpf_iter_create', l.bpf_iter_create(this.linkFd), this.name);
		try {
			let used = 0;
			for (;;) {
				if (used === this.buffer.length) {
					const bigger = Buffer.alloc(this.buffer.length * 2);
					this.buffer.copy(bigger);
					this.buffer = bigger;
				}
				const n = Number(l.read(fd, this.buffer.subarray(used), this.buffer.length - used));
				if (n < 0) throw new BpfError('read', koffi.errno() || 5, this.name);
				if (n === 0) return this.buffer.subarray(0, used);
				used += n;
			}
		} finally {
			l.close(fd);
		}
	}
}
