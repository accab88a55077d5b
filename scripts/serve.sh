#!/usr/bin/env bash
# Starts the Proctor server with the embedded defaults (SQLite and files under ./data), after
# installing what is missing. Extra arguments go to `proctor serve`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/setup.sh
swift build -c release --product proctor
exec .build/release/proctor serve "$@"
