// Times as the screen and the JSON lines write them.

/** Local time of day, HH:MM:SS, as the header and the event lists show it. */
export const clock = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

let isoSecond = NaN;
let isoPrefix = '';

/** Epoch ms as toISOString() writes it, the part up to the second made once a second (thousands of events share it). */
export function isoTime(ms: number): string {
	const second = Math.floor(ms / 1000);
	if (second !== isoSecond) {
		isoSecond = second;
		isoPrefix = new Date(second * 1000).toISOString().slice(0, 19);
	}
	return `${isoPrefix}.${String(Math.floor(ms - second * 1000)).padStart(3, '0')}Z`;
}
