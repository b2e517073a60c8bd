// README is the user's page: its key table is the UI's own, and it stays short.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { withKeys } from './helpers/readme.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

test('README\'s key table is the key table\'s (npm run readme writes it)', () => {
	const readme = readFileSync(README, 'utf8');
	assert.equal(readme, withKeys(readme));
});

test('README stays a user\'s page: 300 lines at most', () => {
	const lines = readFileSync(README, 'utf8').split('\n').length;
	assert.ok(lines <= 300, `${lines} lines: method, history and internals go to docs/`);
});
