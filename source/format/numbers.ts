// Human-readable numbers for a narrow terminal: 1.5K, 23M, 4.0G (powers of 1024 for bytes).

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'];

/** At most 5 characters: 999, 1.0K, 12.3M, 123M. `base` 1024 for bytes, 1000 for counts. */
export function human(n: number, base = 1024): string {
	if (!Number.isFinite(n) || n < 0) return '-';
	let i = 0;
	while (n >= 999.5 && i < UNITS.length - 1) {
		n /= base;
		i++;
	}
	if (i === 0) return String(Math.round(n));
	return `${n.toFixed(n < 99.95 ? 1 : 0)}${UNITS[i]}`;
}

/** Right-aligns `text` in `width` columns (never truncates numbers). */
export function padLeft(text: string, width: number): string {
	return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

/** Left-aligns `text` in exactly `width` columns, cutting with '~' when too long. */
export function fit(text: string, width: number): string {
	if (text.length > width) return `${text.slice(0, Math.max(0, width - 1))}~`;
	return text + ' '.repeat(width - text.length);
}

/** A rate for a summary or a counts line: whole numbers, one decimal below 10 (0.4, 9.5, 12, 554). */
export function rateText(n: number): string {
	return n < 10 ? n.toFixed(1) : String(Math.round(n));
}

/** TCP states in six characters or fewer, as the event lists show them. */
const SHORT_STATES: Readonly<Record<string, string>> = {
	ESTABLISHED: 'ESTAB',
	SYN_SENT: 'SYNSNT',
	SYN_RECV: 'SYNRCV',
	FIN_WAIT1: 'FINW1',
	FIN_WAIT2: 'FINW2',
	TIME_WAIT: 'TIMEW',
	CLOSE_WAIT: 'CLOSEW',
	LAST_ACK: 'LASTAK',
	NEW_SYN_RECV: 'SYNRCV',
};

export const shortState = (state: string): string => SHORT_STATES[state] ?? state;
