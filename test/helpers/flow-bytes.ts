// Struct bytes for decoding tests: a struct nt_flow_id written field by field.
import { flowId as layout } from '../../source/kernel/layouts.js';

/** Writes a struct nt_flow_id into `buf` at `base`. */
export function writeFlowId(buf: Buffer, base: number, family: number, laddr: number[], raddr: number[], lport: number, rport: number, netns: number): void {
	const f = layout.fields;
	Buffer.from(laddr).copy(buf, base + f.laddr.offset);
	Buffer.from(raddr).copy(buf, base + f.raddr.offset);
	buf.writeUInt32LE(netns, base + f.netns.offset);
	buf.writeUInt16LE(family, base + f.family.offset);
	buf.writeUInt16LE(lport, base + f.lport.offset);
	buf.writeUInt16LE(rport, base + f.rport.offset);
}

