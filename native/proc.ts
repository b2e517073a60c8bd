// Files of no stated size (all of /proc): read whole into one buffer, grown as they fill it, not in chunks joined after.
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The bytes of `file`, read into `buf` from its start; while the file fills
 * it, into a buffer twice as big (the bytes so far copied over). Returns
 * them as a view of the last buffer used, which a caller may keep for the
 * next read. Throws when the file cannot be opened.
 */
export function readWhole(file: string, buf: Buffer): Buffer {
	const fd = openSync(file, 'r');
	try {
		let at = 0;
		for (;;) {
			if (at === buf.length) {
				const bigger = Buffer.allocUnsafe(2 * buf.length);
				buf.copy(bigger, 0, 0, at);
				buf = bigger;
			}
			const n = readSync(fd, buf, at, buf.length - at, null);
			if (n <= 0) return buf.subarray(0, at);
			at += n;
		}
	} finally {
		closeSync(fd);
	}
}
