// Prometheus series: counters that add up intervals, histograms written cumulatively, label values escaped, idle series dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelValue, MetricRegistry, SERIES_IDLE_MS } from '../../source/model/metrics.js';

test('counters add each interval\'s deltas; the text has HELP and TYPE once, series by labels', () => {
	const r = new MetricRegistry(() => 0);
	r.count('nettop_x_bytes_total', 'Bytes.', { device: 'eth0', queue: '0' }, 100);
	r.count('nettop_x_bytes_total', 'Bytes.', { device: 'eth0', queue: '0' }, 50);
	r.count('nettop_x_bytes_total', 'Bytes.', { device: 'eth0', queue: '1' }, 7);
	r.count('nettop_x_bytes_total', 'Bytes.', { device: 'eth1', queue: '0' }, 0);
	assert.equal(
		r.text(),
		[
			'# HELP nettop_x_bytes_total Bytes.',
			'# TYPE nettop_x_bytes_total counter',
			'nettop_x_bytes_total{device="eth0",queue="0"} 150',
			'nettop_x_bytes_total{device="eth0",queue="1"} 7',
			'nettop_x_bytes_total{device="eth1",queue="0"} 0',
			'',
		].join('\n'),
	);
});

test('a histogram keeps every bucket it was given, written cumulatively, with +Inf, sum and count', () => {
	const r = new MetricRegistry(() => 0);
	const buckets = (a: number, b: number) => [[0.001, a], [0.002, 0], [0.004, b]] as const;
	r.observe('nettop_rtt_seconds', 'RTT.', {}, buckets(2, 1), 0.005);
	r.observe('nettop_rtt_seconds', 'RTT.', {}, buckets(1, 0), 0.0005);
	assert.deepEqual(r.text().split('\n').filter((l) => !l.startsWith('#') && l), [
		'nettop_rtt_seconds_bucket{le="0.001"} 3',
		'nettop_rtt_seconds_bucket{le="0.002"} 3',
		'nettop_rtt_seconds_bucket{le="0.004"} 4',
		'nettop_rtt_seconds_bucket{le="+Inf"} 4',
		'nettop_rtt_seconds_sum 0.0055',
		'nettop_rtt_seconds_count 4',
	]);
});

test('label values escape backslash, double quote and newline; a series still for SERIES_IDLE_MS is dropped', () => {
	assert.equal(labelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
	let now = 0;
	const r = new MetricRegistry(() => now);
	r.count('nettop_y_total', 'Y.', { comm: 'gone' }, 1);
	r.count('nettop_y_total', 'Y.', { comm: 'busy' }, 1);
	now = SERIES_IDLE_MS - 1;
	r.count('nettop_y_total', 'Y.', { comm: 'busy' }, 1);
	now = SERIES_IDLE_MS + 1;
	r.forgetIdle();
	assert.deepEqual(r.text().split('\n').filter((l) => l.startsWith('nettop_y_total')), ['nettop_y_total{comm="busy"} 2']);
});

test('OpenMetrics: counter families named without _total, samples with it, # EOF at the end', () => {
	const r = new MetricRegistry(() => 0);
	r.count('nettop_drops_total', 'Drops.', { reason: 'NO_SOCKET' }, 3);
	r.set('nettop_process_resident_memory_bytes', 'RSS.', {}, 1024);
	assert.equal(
		r.text(true),
		['# HELP nettop_drops Drops.', '# TYPE nettop_drops counter', 'nettop_drops_total{reason="NO_SOCKET"} 3', '# HELP nettop_process_resident_memory_bytes RSS.', '# TYPE nettop_process_resident_memory_bytes gauge', 'nettop_process_resident_memory_bytes 1024', '# EOF', ''].join('\n'),
	);
});
