#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build, run and test nettop, then builds it.
# Run as root (sudo npm run setup). Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Node.js 20 or newer, with npm: Debian 12's own nodejs package is 18 (and comes without npm).
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ] || ! command -v npm >/dev/null; then
	echo "setup: nettop needs Node.js 20 or newer with npm (found: $(node --version 2>/dev/null || echo none)); Debian 12's nodejs is 18: install Node.js 20 from nodejs.org or NodeSource first" >&2
	exit 1
fi

# build: clang llvm libbpf-dev bpftool make; run: libbpf1; tests: iproute2 iperf3 nftables socat tmux ethtool python3 prometheus (promtool, a server to scrape nettop); bench: bpftrace nethogs
packages=(clang llvm libbpf-dev libbpf1 bpftool make iproute2 iperf3 nftables socat tmux ethtool python3 prometheus bpftrace nethogs)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if ! command -v apt-get >/dev/null; then
		echo "setup: please install: ${missing[*]}" >&2
		exit 1
	fi
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	# The tests start their own Prometheus on a port of theirs: not the service the package starts.
	if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null; then
		systemctl disable --now prometheus >/dev/null 2>&1 || true
	fi
fi

npm ci --no-fund --no-audit
npm run build
