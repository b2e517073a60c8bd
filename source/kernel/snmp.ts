// The kernel's SNMP counters (/proc/net/snmp): one group's names and values.

/** Counter `name` of `group` ("Tcp", "CurrEstab") in the text of /proc/net/snmp; undefined when absent. */
export function snmpCounter(text: string, group: string, name: string): number | undefined {
	const lines = text.split('\n').filter((l) => l.startsWith(`${group}:`));
	if (lines.length < 2) return undefined;
	const names = lines[0]!.split(/\s+/);
	const values = lines[1]!.split(/\s+/);
	const i = names.indexOf(name);
	return i < 1 || values[i] === undefined ? undefined : Number(values[i]);
}
