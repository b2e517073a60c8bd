// Password hashes checked by the system's libcrypt (libxcrypt: bcrypt's $2y$/$2b$ among others), off the main thread.
import { timingSafeEqual } from 'node:crypto';
import { koffi } from './libbpf.js';

/** sizeof(struct crypt_data) in libxcrypt; crypt_rn writes its result at its start. */
const CRYPT_DATA_SIZE = 32768;

type CryptRn = ((phrase: string, setting: string, data: Buffer, size: number) => bigint | null) & {
	async(phrase: string, setting: string, data: Buffer, size: number, done: (error: unknown, result: bigint | null) => void): void;
};

let cryptRn: CryptRn | undefined;

function bind(): CryptRn {
	let lib: ReturnType<typeof koffi.load>;
	try {
		lib = koffi.load('libcrypt.so.1');
	} catch (error) {
		throw new Error(`cannot load libcrypt.so.1 to check password hashes (install the libcrypt1 package): ${(error as Error).message.split('\n')[0]}`);
	}
	return lib.func('void *crypt_rn(const char *phrase, const char *setting, _Inout_ uint8_t *data, int size)') as unknown as CryptRn;
}

/**
 * Whether `password` hashes to `hash` (a crypt(3) string: bcrypt, sha512-crypt, ...),
 * compared in constant time. Runs on a worker thread: a bcrypt check takes tens of ms.
 */
export async function passwordMatches(password: string, hash: string): Promise<boolean> {
	cryptRn ??= bind();
	const data = Buffer.alloc(CRYPT_DATA_SIZE);
	const result = await new Promise<bigint | null>((resolve, reject) => cryptRn!.async(password, hash, data, CRYPT_DATA_SIZE, (error, r) => (error ? reject(error) : resolve(r))));
	if (!result) return false;
	const end = data.indexOf(0);
	const out = data.subarray(0, end < 0 ? data.length : end);
	const want = Buffer.from(hash, 'utf8');
	return out.length === want.length && out[0] !== 0x2a /* '*': crypt's failure token */ && timingSafeEqual(out, want);
}
