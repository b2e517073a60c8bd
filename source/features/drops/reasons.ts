// Drop reasons by the running kernel's own names (enum skb_drop_reason in its BTF): the numbers move between kernels and backports.
import { kernelEnum } from '../../../native/btf.js';

const PREFIX = 'SKB_DROP_REASON_';
const SUBSYS_SHIFT = 16;

/** Names reasons as this kernel does. */
export class DropReasons {
	private readonly names: ReadonlyMap<number, string>;
	private readonly subsystems: ReadonlyMap<number, string>;

	constructor(names = kernelEnum('skb_drop_reason'), subsystems = kernelEnum('skb_drop_reason_subsys')) {
		this.names = new Map([...names].map(([v, n]) => [v, n.startsWith(PREFIX) ? n.slice(PREFIX.length) : n]));
		this.subsystems = new Map([...subsystems].map(([v, n]) => [v, n.startsWith(`${PREFIX}SUBSYS_`) ? n.slice(PREFIX.length + 7) : n]));
	}

	/** "NETFILTER_DROP"; a subsystem's reason (upper 16 bits) as "OPENVSWITCH:3"; an unknown number as itself. */
	name(reason: number): string {
		const subsys = reason >>> SUBSYS_SHIFT;
		if (subsys !== 0) return `${this.subsystems.get(subsys) ?? `SUBSYS_${subsys}`}:${reason & 0xffff}`;
		return this.names.get(reason) ?? String(reason);
	}
}
