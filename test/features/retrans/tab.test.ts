// The Retransmits tab at 80x24: more flows than fit above the events say which list the keys move, and what narrows them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retransView } from '../../../source/features/retrans/model.js';
import { retransTab } from '../../../source/features/retrans/tab.js';
import { plainText } from '../../../source/format/lines.js';
import { NO_CGROUPS } from '../../../source/model/cgroup.js';
import { NO_FILTER } from '../../../source/model/filter.js';
import { retrans, retransSnap } from '../../fixtures/records.js';

// 40 events of 9 flows: 3 flows fit in a body of 19 lines (80x24).
const events = Array.from({ length: 40 }, (_, k) => retrans({ cookie: k % 9, pid: 100 + (k % 9), comm: `p${k % 9}`, lport: 20000 + (k % 9), time: 1_700_000_000_000 + k }));
const view = retransView(retransSnap(events), NO_FILTER, NO_CGROUPS);
const props = { state: undefined, sort: 'segs', seconds: 1, height: 19, width: 80, currentNetns: 1, unicode: false };

test('flows that do not fit: the hint says PgDn pages the events below, and suggests only the filters not set', () => {
	const lines = retransTab.lines(view, props).map(plainText);
	assert.ok(lines.includes('... 6 more flows (p, P narrow; PgDn pages the events below)'), lines.join('\n'));
	assert.match(lines.at(-1)!, /^\.\.\. \d+ more events \(PgDn pages them; p, P narrow\)$/);
	const ported = retransTab.lines(view, { ...props, filter: { ...NO_FILTER, ports: new Set([443]) } }).map(plainText);
	assert.ok(ported.includes('... 6 more flows (p narrows; PgDn pages the events below)'), ported.join('\n'));
	const selected = retransTab.lines(view, { ...props, cursor: { at: 0 } }).map(plainText);
	assert.match(selected.at(-1)!, /^events 1-\d+ of 40 \(Up\/Down, PgUp\/PgDn; Enter: its process\)$/);
});
