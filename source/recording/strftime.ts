// Recording file names with time fields (-w nettop-%Y%m%d.rec): the name for an instant, and the names such a pattern makes.

/** The fields a name may hold, each a fixed number of digits of local time. */
const FIELDS: Readonly<Record<string, { readonly digits: number; readonly of: (d: Date) => number | string }>> = {
	Y: { digits: 4, of: (d) => d.getFullYear() },
	m: { digits: 2, of: (d) => d.getMonth() + 1 },
	d: { digits: 2, of: (d) => d.getDate() },
	H: { digits: 2, of: (d) => d.getHours() },
	M: { digits: 2, of: (d) => d.getMinutes() },
	S: { digits: 2, of: (d) => d.getSeconds() },
	j: { digits: 3, of: (d) => Math.floor((Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) - Date.UTC(d.getFullYear(), 0, 1)) / 86_400_000) + 1 },
	F: { digits: 10, of: (d) => `${String(d.getFullYear()).padStart(4, '0')}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}` },
};

const FIELD = /%(.)/g;

/** True when `pattern` has a time field: the file changes with the time. */
export function hasTimeFields(pattern: string): boolean {
	return [...pattern.matchAll(FIELD)].some((m) => m[1] !== '%');
}

/** A field the pattern holds that is not one of ours, else undefined: said to the user, not written as is. */
export function unknownField(pattern: string): string | undefined {
	return [...pattern.matchAll(FIELD)].map((m) => m[1]!).find((c) => c !== '%' && !(c in FIELDS));
}

/** The name for `wall` (ms since the epoch), in local time. */
export function strftime(pattern: string, wall: number): string {
	const d = new Date(wall);
	return pattern.replace(FIELD, (_, c: string) => {
		if (c === '%') return '%';
		const f = FIELDS[c]!;
		const v = f.of(d);
		return typeof v === 'string' ? v : String(v).padStart(f.digits, '0');
	});
}

/** Every name the pattern can make, as a regular expression over whole names. */
export function namesOf(pattern: string): RegExp {
	let re = '';
	let at = 0;
	for (const m of pattern.matchAll(FIELD)) {
		re += escape(pattern.slice(at, m.index)) + (m[1] === '%' ? '%' : m[1] === 'F' ? '\\d{4}-\\d{2}-\\d{2}' : `\\d{${FIELDS[m[1]!]!.digits}}`);
		at = m.index + m[0].length;
	}
	return new RegExp(`^${re}${escape(pattern.slice(at))}$`);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
