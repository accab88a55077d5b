#!/usr/bin/env bash
# Runs every test: installs what is missing (scripts/setup.sh), builds, then runs the Swift test suites.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/setup.sh

swift build --build-tests
swift test --skip-build --disable-xctest
