// A row's owner and connection written straight into a JSON piece: for rows written by the thousand a second (a churn's events and teardown drops).
import { UNKNOWN_CGROUP_JSON } from '../model/cgroup.js';
import type { OwnedFlow } from '../model/flow.js';
import type { RowNames } from '../model/reading.js';
import type { Piece } from './json-piece.js';

/**
 * `"pid":…,"rport":…`: flowJson's fields of a connection's row, in its
 * order, byte for byte, without the object it builds or a string per row.
 * Addresses are nettop's own text (digits, dots, colons, hex): no escapes.
 */
export function ownedFlowPiece(out: Piece, f: OwnedFlow, netnsNames: ReadonlyMap<number, string>): void {
	if (f.pid === 0) out.ascii('"pid":null,"comm":null');
	else {
		out.field('"pid":', f.pid);
		out.ascii(',"comm":');
		out.bytes(quoted(f.comm));
	}
	out.field(',"netns":', f.netns);
	const name = netnsNames.get(f.netns);
	out.ascii(',"netns_name":');
	if (name === undefined) out.ascii('null');
	else out.bytes(quoted(name));
	out.field(',"family":', f.family);
	out.ascii(',"laddr":"');
	out.ascii(f.laddr);
	out.field('","lport":', f.lport);
	out.ascii(',"raddr":"');
	out.ascii(f.raddr);
	out.field('","rport":', f.rport);
}

/** ownedFlowPiece's fields, then the owner's cgroup's (`"cgroup":…,"container":…`). */
export function ownedRowPiece(out: Piece, f: OwnedFlow & { readonly cgroupId: number }, names: RowNames): void {
	ownedFlowPiece(out, f, names.netns);
	out.ascii(',');
	out.bytes(names.cgroups.get(f.cgroupId)?.jsonBytes ?? UNKNOWN_CGROUP_JSON);
}

/** A text that may be null, as JSON. */
export function nullableText(out: Piece, text: string | null): void {
	if (text === null) out.ascii('null');
	else out.bytes(quoted(text));
}

const QUOTED_MAX = 4096;
const quotedTexts = new Map<string, Uint8Array>();
const utf8 = new TextEncoder();

/** JSON.stringify(s) in UTF-8, kept (at most QUOTED_MAX of them): names, states and reasons repeat row after row. */
export function quoted(s: string): Uint8Array {
	let bytes = quotedTexts.get(s);
	if (bytes === undefined) {
		if (quotedTexts.size >= QUOTED_MAX) quotedTexts.clear();
		bytes = utf8.encode(JSON.stringify(s));
		quotedTexts.set(s, bytes);
	}
	return bytes;
}
