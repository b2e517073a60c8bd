#!/usr/bin/env bash
# Which TCP tracepoints add up to the kernel's own TCP counters (/proc/net/snmp), per network namespace.
# Groundwork for the Connections feature (docs/connections.md): in two namespaces of its own joined by veth,
# 50 connections that close normally, 5 closed with SO_LINGER 0 (reset), and 20 connects to a closed port;
# bpftrace counts inet_sock_set_state transitions and RSTs per namespace beside the MIB deltas.
# Run as root: sudo bash scripts/mib-transitions.sh. Removes its namespaces and processes on every exit.
set -euo pipefail
A=nettop-mib-a
B=nettop-mib-b
BT=0
SRV=0
out=$(mktemp)
cleanup() {
	[ "$BT" -gt 0 ] && kill -INT "$BT" 2>/dev/null || true
	[ "$SRV" -gt 0 ] && kill "$SRV" 2>/dev/null || true
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	rm -f "$out"
}
trap cleanup EXIT
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing
ip netns add "$A"
ip netns add "$B"
for n in "$A" "$B"; do
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$n" link set lo up
done
ip link add vA netns "$A" type veth peer name vB netns "$B"
ip -n "$A" addr add 198.19.1.1/24 dev vA
ip -n "$B" addr add 198.19.1.2/24 dev vB
ip -n "$A" link set vA up
ip -n "$B" link set vB up
NSA=$(stat -L -c %i "/run/netns/$A")
NSB=$(stat -L -c %i "/run/netns/$B")
mib() {
	ip netns exec "$1" cat /proc/net/snmp | awk '/^Tcp:/ { if (!h) { split($0, n); h = 1 } else { for (i = 2; i <= NF; i++) printf "%s=%s ", n[i], $i } }' |
		tr ' ' '\n' | grep -E '^(ActiveOpens|PassiveOpens|AttemptFails|EstabResets|OutRsts)=' | tr '\n' ' '
}
bpftrace -q -e "
tracepoint:sock:inet_sock_set_state /args->protocol == 6/ {
	\$ns = ((struct sock *)args->skaddr)->__sk_common.skc_net.net->ns.inum;
	if (\$ns == $NSA || \$ns == $NSB) { @transition[\$ns, args->oldstate, args->newstate] = count(); }
}
tracepoint:tcp:tcp_send_reset {
	\$ns = ((struct sk_buff *)args->skbaddr)->dev->nd_net.net->ns.inum;
	if ((uint64)args->skaddr != 0) { \$ns = ((struct sock *)args->skaddr)->__sk_common.skc_net.net->ns.inum; }
	if (\$ns == $NSA || \$ns == $NSB) { @rst_sent[\$ns, (uint64)args->skaddr != 0] = count(); }
}
tracepoint:tcp:tcp_receive_reset {
	\$ns = ((struct sock *)args->skaddr)->__sk_common.skc_net.net->ns.inum;
	if (\$ns == $NSA || \$ns == $NSB) { @rst_received[\$ns] = count(); }
}
BEGIN { printf(\"ready\n\"); }" >"$out" 2>&1 &
BT=$!
for _ in $(seq 1 150); do grep -q ready "$out" && break; sleep 0.2; done
grep -q ready "$out" || { cat "$out" >&2; exit 1; }
before_a=$(mib "$A")
before_b=$(mib "$B")
ip netns exec "$B" python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('198.19.1.2', 7700)); s.listen(128)
for _ in range(55):
    c, _ = s.accept()
    try: c.recv(100)
    except OSError: pass
    c.close()
" &
SRV=$!
sleep 0.3
ip netns exec "$A" python3 -c "
import socket, struct, time
for _ in range(50):
    c = socket.create_connection(('198.19.1.2', 7700)); c.sendall(b'hi'); time.sleep(0.005); c.close()
for _ in range(5):
    c = socket.create_connection(('198.19.1.2', 7700)); c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); c.close()
for _ in range(20):
    try: socket.create_connection(('198.19.1.2', 7701))
    except OSError: pass
"
sleep 1
echo "namespace A ($NSA), connecting: before $before_a"
echo "                               after  $(mib "$A")"
echo "namespace B ($NSB), accepting:  before $before_b"
echo "                               after  $(mib "$B")"
kill -INT "$BT"
wait "$BT" 2>/dev/null || true
BT=0
echo "bpftrace (states: 1 ESTABLISHED, 2 SYN_SENT, 3 SYN_RECV, 7 CLOSE, 8 CLOSE_WAIT, 10 LISTEN; rst_sent [ns, has a socket]):"
grep '^@' "$out"
