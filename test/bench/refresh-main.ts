// The refresh part as a process of its own (scripts/bundle.mjs bundles it into dist/bench): argv rounds, gap ms, warm-up rounds; prints a RefreshCost as JSON.
import { refreshCost } from './refresh.js';

const [rounds, gapMs, warmup] = process.argv.slice(2).map(Number);
console.log(JSON.stringify(await refreshCost(rounds, gapMs, warmup)));
process.exit(0);
