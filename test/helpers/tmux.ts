// A private tmux server for end-to-end UI tests: run a command in an 80x24 pane, type, read the screen.
import { spawnSync } from 'node:child_process';
import { run, until } from './exec.js';

const servers = new Set<string>();
let count = 0;
process.on('exit', () => {
	for (const socket of servers) spawnSync('tmux', ['-L', socket, 'kill-server']);
});

export class Tmux {
	/** A server of its own: nothing shared with the user's tmux or another test. */
	private readonly socket = `nettop-test-${process.pid}-${++count}`;
	private readonly session = 'e2e';

	private tmux(args: string[]) {
		return run('tmux', ['-L', this.socket, ...args]);
	}

	/** Starts `command` (a shell line) in a detached width x height session. */
	async start(command: string, width = 80, height = 24, env: Record<string, string> = {}): Promise<void> {
		servers.add(this.socket);
		const exports = Object.entries(env).map(([k, v]) => `export ${k}='${v}';`).join(' ');
		await this.tmux(['new-session', '-d', '-s', this.session, '-x', String(width), '-y', String(height), `${exports} ${command}; echo "EXITED $?"; sleep 600`]);
	}

	/** The visible screen, one string per row. */
	async screen(): Promise<string[]> {
		return (await this.tmux(['capture-pane', '-p', '-t', this.session])).stdout.replace(/\n$/, '').split('\n');
	}

	async keys(...keys: string[]): Promise<void> {
		for (const k of keys) await this.tmux(['send-keys', '-t', this.session, ...(k.length === 1 ? ['-l', k] : [k])]);
	}

	/** Writes `text` to the pane at once, control characters included: as a paste, or keys a slow link bundles into one read. */
	async type(text: string): Promise<void> {
		await this.tmux(['send-keys', '-t', this.session, '-l', text]);
	}

	/** Resizes the window, as a user dragging the terminal does. */
	async resize(width: number, height: number): Promise<void> {
		await this.tmux(['resize-window', '-t', this.session, '-x', String(width), '-y', String(height)]);
	}

	/** A pane variable, e.g. alternate_on, cursor_flag, pane_pid. */
	async pane(name: string): Promise<string> {
		return (await this.tmux(['display-message', '-p', '-t', this.session, `#{${name}}`])).stdout.trim();
	}

	/** Waits until the screen matches; throws with the last screen when it never does. */
	async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
		let text = '';
		const ok = await until(async () => pattern.test((text = (await this.screen()).join('\n'))), timeoutMs);
		if (!ok) throw new Error(`screen never matched ${pattern}:\n${text}`);
		return text;
	}

	async kill(): Promise<void> {
		await this.tmux(['kill-server']).catch(() => undefined);
		servers.delete(this.socket);
	}
}
