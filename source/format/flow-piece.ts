// A row's owner and connection written straight into a JSON piece: for rows written by the thousand a second (a churn's events and teardown drops).
import type { OwnedFlow } from '../model/flow.js';
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
		out.text(`,"comm":${JSON.stringify(f.comm)}`);
	}
	out.field(',"netns":', f.netns);
	const name = netnsNames.get(f.netns);
	if (name === undefined) out.ascii(',"netns_name":null');
	else out.text(`,"netns_name":${JSON.stringify(name)}`);
	out.field(',"family":', f.family);
	out.ascii(',"laddr":"');
	out.ascii(f.laddr);
	out.field('","lport":', f.lport);
	out.ascii(',"raddr":"');
	out.ascii(f.raddr);
	out.field('","rport":', f.rport);
}
