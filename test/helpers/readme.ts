// README's key table, made from the key table: npm run readme writes it, test/readme.test.ts checks it.
import { helpRows, PROMPT_KEYS } from '../../source/ui/keys.js';

export const KEYS_START = '<!-- keys: written by npm run readme from the key table, source/ui/keys.ts -->';
export const KEYS_END = '<!-- /keys -->';

/** The section between the markers, markers included. */
export function keysSection(): string {
	const rows = helpRows().map((r) => `| \`${r.key}\` | ${r.action} |`);
	return [KEYS_START, '| key | does |', '| --- | --- |', ...rows, '', `In a filter prompt: ${PROMPT_KEYS}.`, KEYS_END].join('\n');
}

/** `readme` with its key section made anew. */
export function withKeys(readme: string): string {
	const start = readme.indexOf(KEYS_START);
	const end = readme.indexOf(KEYS_END);
	if (start < 0 || end < start) throw new Error(`README.md has no section between ${KEYS_START} and ${KEYS_END}`);
	return readme.slice(0, start) + keysSection() + readme.slice(end + KEYS_END.length);
}
