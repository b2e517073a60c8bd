// --web.config.file: the parts of node_exporter's web configuration nettop takes, and one line for what it does not.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readWebConfig } from '../../source/output/web-config.js';

function withFile(text: string, check: (file: string) => void): void {
	const dir = mkdtempSync(path.join(tmpdir(), 'nettop-webcfg-'));
	try {
		writeFileSync(path.join(dir, 'cert.pem'), 'CERT');
		writeFileSync(path.join(dir, 'key.pem'), 'KEY');
		const file = path.join(dir, 'web.yml');
		writeFileSync(file, text);
		check(file);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

test('TLS files relative to the file, users with their hashes (quoted or not), comments', () => {
	withFile('# exporter web config\ntls_server_config:\n  cert_file: cert.pem   # the chain\n  key_file: "key.pem"\nbasic_auth_users:\n  alice: \'$2y$10$abc\'\n  bob: $2b$12$def\n', (file) => {
		const c = readWebConfig(file);
		assert.deepEqual([c.tls?.cert.toString(), c.tls?.key.toString()], ['CERT', 'KEY']);
		assert.deepEqual([...c.users], [['alice', '$2y$10$abc'], ['bob', '$2b$12$def']]);
	});
	withFile('', (file) => assert.deepEqual(readWebConfig(file), { users: new Map() }));
});

test('what nettop does not do is one line naming it', () => {
	const cases: [string, RegExp][] = [
		['http_server_config:\n  http2: false\n', /http_server_config is not something nettop serves/],
		['tls_server_config:\n  cert_file: cert.pem\n  client_auth_type: RequireAndVerifyClientCert\n', /tls_server_config\.client_auth_type is not something nettop does/],
		['tls_server_config:\n  cert_file: cert.pem\n', /wants both cert_file and key_file/],
		['tls_server_config:\n  cert_file: nope.pem\n  key_file: key.pem\n', /cert_file .*nope\.pem: ENOENT/],
		['basic_auth_users\n', /line 1: not "key: value"/],
	];
	for (const [text, message] of cases) withFile(text, (file) => assert.throws(() => readWebConfig(file), message, text));
});
