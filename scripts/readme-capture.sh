#!/usr/bin/env bash
# README's capture: nettop at 80x24 in tmux on tab TAB (default 5, Connections) while scripts/capture-load.py
# loads loopback; prints the screen without its blank rows. Run as root after npm run build.
set -euo pipefail
cd "$(dirname "$0")/.."
tab=${1:-5}
python3 scripts/capture-load.py 25 >/dev/null 2>&1 &
load=$!
session=nettop-capture-$$
trap 'tmux kill-session -t "$session" 2>/dev/null || true; kill "$load" 2>/dev/null || true' EXIT
sleep 2
tmux new-session -d -s "$session" -x 80 -y 24 dist/bin/nettop.js
sleep 4
tmux send-keys -t "$session" "$tab"
sleep 8
tmux capture-pane -p -t "$session" | grep -v '^$'
tmux send-keys -t "$session" q
sleep 1
