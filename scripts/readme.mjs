// Writes README's key table from the UI's key table (after npm run build): npm run readme.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withKeys } from '../dist/test/helpers/readme.js';

const file = fileURLToPath(new URL('../README.md', import.meta.url));
const before = readFileSync(file, 'utf8');
const after = withKeys(before);
if (after !== before) writeFileSync(file, after);
console.log(after === before ? 'README.md: key table already current' : 'README.md: key table written');
