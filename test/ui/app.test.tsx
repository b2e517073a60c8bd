// The app with keys (ink-testing-library): readings through the store and its pipeline, tab keys, a port filter typed in place, quit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import React from 'react';
import { render } from 'ink-testing-library';
import type { Reading } from '../../source/features/index.js';
import { NO_FILTER } from '../../source/model/filter.js';
import { Pipeline } from '../../source/pipeline.js';
import { App } from '../../source/ui/app.js';
import { UiStore } from '../../source/ui/store.js';
import { raw, tcp } from '../fixtures/records.js';

/** Lets React and Ink process what was written (input is read asynchronously). */
const settle = () => new Promise((r) => setTimeout(r, 30));

function traffic(mono: number, bytes: number): Reading {
	return raw(mono, {
		tcp: { counters: [tcp(bytes, 0, { cookie: 1, pid: 11, comm: 'nginx', lport: 443 }), tcp(bytes, 0, { cookie: 2, pid: 22, comm: 'sshd', lport: 22, rport: 50022 })], lost: 0 },
	});
}

async function app() {
	const store = new UiStore(new Pipeline(NO_FILTER), { intervalMs: 1000, filter: NO_FILTER });
	let quits = 0;
	const ui = render(<App store={store} onQuit={() => quits++} color={false} unicode={false} currentNetns={0} size={{ width: 80, height: 24 }} />);
	store.publish(traffic(0, 0));
	store.publish(traffic(1000, 5000));
	await settle();
	return { ui, store, quits: () => quits };
}

test('keys switch tabs: numbers, Tab and Shift-Tab', async () => {
	const { ui } = await app();
	assert.match(ui.lastFrame()!, /IFACE/);
	for (const [keys, title] of [
		['2', /PID COMM\s+SOCKS/],
		['3', /count 0/],
		['4', /this interval: 0 retransmits/],
		['5', /conn 0\.0\/s acc 0\.0\/s fail 0\.0\/s/],
		['6', /drops 0\.0\/s/],
		['\t', /IFACE/],
		['\x1b[Z', /drops 0\.0\/s/],
		['1', /IFACE/],
	] as const) {
		ui.stdin.write(keys);
		await settle();
		assert.match(ui.lastFrame()!, title, JSON.stringify(keys));
	}
	ui.unmount();
});

test('P, a port typed in place, applied at once; Esc clears', async () => {
	const { ui } = await app();
	ui.stdin.write('2');
	await settle();
	assert.match(ui.lastFrame()!, /11 nginx/);
	assert.match(ui.lastFrame()!, /22 sshd/);
	ui.stdin.write('P');
	await settle();
	for (const ch of '443') {
		ui.stdin.write(ch);
		await settle();
	}
	let f = ui.lastFrame()!;
	assert.match(f, /filter: port 443/);
	assert.match(f, /filter by port .*: 443_/);
	assert.match(f, /11 nginx/);
	assert.doesNotMatch(f, /22 sshd/);
	ui.stdin.write('\r');
	await settle();
	f = ui.lastFrame()!;
	assert.doesNotMatch(f, /filter by port/, 'Enter closes the prompt');
	assert.match(f, /filter: port 443/, 'the filter stays');
	ui.stdin.write('\x1b');
	await settle();
	f = ui.lastFrame()!;
	assert.doesNotMatch(f, /filter:/);
	assert.match(f, /22 sshd/);
	ui.unmount();
});

test('new samples refresh the screen; space pauses it', async () => {
	const { ui, store } = await app();
	ui.stdin.write('2');
	await settle();
	assert.match(ui.lastFrame()!, /nginx\s+1\s+tcp\s+4\.9K/);
	ui.stdin.write(' ');
	await settle();
	assert.match(ui.lastFrame()!, /PAUSED/);
	store.publish(traffic(2000, 105_000));
	await settle();
	assert.match(ui.lastFrame()!, /nginx\s+1\s+tcp\s+4\.9K/, 'paused: unchanged');
	ui.stdin.write(' ');
	store.publish(traffic(3000, 205_000));
	await settle();
	assert.match(ui.lastFrame()!, /nginx\s+1\s+tcp\s+97\.7K/);
	ui.unmount();
});

test('q and Ctrl-C quit', async () => {
	for (const key of ['q', '\x03']) {
		const { ui, quits } = await app();
		assert.equal(quits(), 0);
		ui.stdin.write(key);
		await settle();
		assert.equal(quits(), 1, JSON.stringify(key));
		ui.unmount();
	}
});
