#!/usr/bin/env bash
# Repeatable capacity measurement: starts a release server on a spare port with a scratch data
# folder, drives it with `proctor loadtest` for each session count, prints the figures, stops it.
#
#   scripts/loadtest.sh [SESSIONS...]       default: 4 8 12 16 20
# Environment: FPS (2), DURATION (20 s), PORT (8190), and any PROCTOR_* server setting.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
counts=("${@:-4 8 12 16 20}")
fps="${FPS:-2}"
duration="${DURATION:-20}"
port="${PORT:-8190}"

scripts/setup.sh >/dev/null
swift build -c release --product proctor >/dev/null
data="$(mktemp -d)"
# Live sessions need a caller: a scratch admin, logged in once; loadtest sends its token.
password="$(.build/release/proctor admin create --username loadtest --data-dir "$data" | sed -n 's/^password: //p')"
.build/release/proctor serve --port "$port" --data-dir "$data" --log-level error &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data" "$data-keys"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
PROCTOR_TOKEN="$(curl -fs -X POST -H 'Content-Type: application/json' -d "{\"username\":\"loadtest\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$port/api/auth/login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')"
export PROCTOR_TOKEN
# Warm up the workers so that first-use allocations do not count as per-session memory.
.build/release/proctor loadtest --sessions 2 --fps "$fps" --duration 3 --url "ws://127.0.0.1:$port" >/dev/null
for n in ${counts[*]}; do
    .build/release/proctor loadtest --sessions "$n" --fps "$fps" --duration "$duration" --url "ws://127.0.0.1:$port"
done
