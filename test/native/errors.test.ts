// check()/checkPtr(): negative errno and NULL become BpfError with the libbpf call and errno name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BpfError, check, checkPtr, errnoName } from '../../native/errors.js';

test('a non-negative return passes through', () => {
	assert.equal(check('bpf_map__fd', 7), 7);
	assert.equal(checkPtr('bpf_object__open_file', 1234n), 1234n);
});

test('a negative return throws BpfError with op and code', () => {
	assert.throws(
		() => check('bpf_object__load', -1, 'nic.bpf.o'),
		(e: unknown) => e instanceof BpfError && e.op === 'bpf_object__load' && e.code === 'EPERM' && e.errno === 1 && e.message === 'bpf_object__load: EPERM (nic.bpf.o)',
	);
	assert.equal(errnoName(2), 'ENOENT');
	assert.equal(errnoName(99999), 'errno 99999');
});

test('NULL throws BpfError', () => {
	assert.throws(() => checkPtr('ring_buffer__new', null), (e: unknown) => e instanceof BpfError && e.op === 'ring_buffer__new');
});
