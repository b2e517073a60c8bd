// --web.config.file: the web configuration node_exporter and the other official exporters take, the parts nettop serves (TLS, basic auth).
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface WebConfig {
	/** PEM certificate chain and key, when the listener is HTTPS. */
	readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
	/** User name -> crypt(3) hash (bcrypt, as `htpasswd -B` makes); empty: no authentication. */
	readonly users: ReadonlyMap<string, string>;
}

const SECTIONS = new Set(['tls_server_config', 'basic_auth_users']);
const TLS_KEYS = new Set(['cert_file', 'key_file']);

/** A YAML scalar as these files write them: bare, 'single' or "double" quoted. */
function scalar(text: string): string {
	const t = text.trim();
	if (t.length >= 2 && ((t[0] === "'" && t.at(-1) === "'") || (t[0] === '"' && t.at(-1) === '"'))) return t.slice(1, -1);
	return t;
}

/**
 * Reads a web configuration file: `tls_server_config` (`cert_file`,
 * `key_file`, relative to the file's folder) and `basic_auth_users` (name:
 * hash). Anything else it says nettop does not do, in one line, rather than
 * serve less than the file asks for.
 */
export function readWebConfig(file: string): WebConfig {
	const where = `--web.config.file ${file}`;
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		throw new Error(`${where}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
	const tls: Record<string, string> = {};
	const users = new Map<string, string>();
	let section: string | undefined;
	text.split('\n').forEach((raw, i) => {
		const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
		if (line.trim() === '' || line.trim() === '---') return;
		const m = /^(\s*)([^:\s][^:]*?)\s*:(?:\s+(.*))?$/.exec(line);
		if (!m) throw new Error(`${where}: line ${i + 1}: not "key: value"`);
		const [, indent, key, value] = m;
		if (indent === '') {
			if (!SECTIONS.has(key!)) throw new Error(`${where}: line ${i + 1}: ${key} is not something nettop serves (it takes tls_server_config and basic_auth_users)`);
			if (value !== undefined && value.trim() !== '' && value.trim() !== '{}') throw new Error(`${where}: line ${i + 1}: ${key} wants its entries on the lines below`);
			section = key;
			return;
		}
		if (section === undefined || value === undefined) throw new Error(`${where}: line ${i + 1}: not "key: value" inside a section`);
		if (section === 'tls_server_config') {
			if (!TLS_KEYS.has(key!)) throw new Error(`${where}: line ${i + 1}: tls_server_config.${key} is not something nettop does (it takes cert_file and key_file)`);
			tls[key!] = scalar(value);
		} else {
			users.set(scalar(key!), scalar(value));
		}
	});
	const dir = path.dirname(file);
	const read = (name: string, what: string) => {
		const p = path.resolve(dir, name);
		try {
			return readFileSync(p);
		} catch (error) {
			throw new Error(`${where}: ${what} ${p}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
		}
	};
	if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) throw new Error(`${where}: tls_server_config wants both cert_file and key_file`);
	return { ...(tls.cert_file ? { tls: { cert: read(tls.cert_file, 'cert_file'), key: read(tls.key_file!, 'key_file') } } : {}), users };
}
