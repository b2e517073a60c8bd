// The tabs the UI has, in the order of their number keys.
export const TABS = ['nic', 'tcp', 'rtt', 'retrans'] as const;
export type Tab = (typeof TABS)[number];
export const TAB_TITLES: Record<Tab, string> = { nic: 'NIC', tcp: 'tcptop', rtt: 'RTT', retrans: 'Retransmits' };
