// stdout for the line outputs (--json, the plain table, a replay): writes that wait for a slow reader, and stop waiting once nettop stops.

/**
 * Writes to stdout and, when the reader has fallen behind (a pipe), waits
 * until it drains. Once nettop is stopping it waits no more: the rest of the
 * line is queued and flushed before exit, so no line is left cut. `written`
 * is called once the bytes have been handed to the system (or failed to
 * be): at once when the write completed as it was made, which it usually
 * does, else from the write's callback.
 */
export async function writeOut(text: string | Uint8Array, signal: AbortSignal, written?: () => void): Promise<void> {
	if (process.stdout.destroyed) return;
	let pending = written;
	const handedOver = () => {
		const w = pending;
		pending = undefined;
		w?.();
	};
	const ok = process.stdout.write(text, handedOver);
	if (process.stdout.writableLength === 0) handedOver();
	if (ok || signal.aborted) return;
	await new Promise<void>((resolve) => {
		const done = () => {
			process.stdout.off('drain', done);
			process.stdout.off('close', done);
			signal.removeEventListener('abort', done);
			resolve();
		};
		process.stdout.on('drain', done);
		process.stdout.on('close', done);
		signal.addEventListener('abort', done);
	});
}

