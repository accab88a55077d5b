#!/usr/bin/env bash
# Runs every test: installs what is missing (scripts/setup.sh, plus PostgreSQL and the browser the
# tests drive), builds, starts a throwaway PostgreSQL on loopback, runs the Swift suites (the store
# and queue suites against SQLite and PostgreSQL), the web app in headless Chromium, and the
# multi-node run (two servers, three workers, one PostgreSQL).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export PROCTOR_APT_PACKAGES="${PROCTOR_APT_PACKAGES:-} postgresql chromium chromium-driver python3-selenium fonts-dejavu-core"
scripts/setup.sh

swift build --build-tests
bin="$(swift build --show-bin-path)"

# A private PostgreSQL on 127.0.0.1 for this run only; stopped however the run ends.
export PROCTOR_PG_DIR="${PROCTOR_PG_DIR:-$(mktemp -d /tmp/proctor-test-pg.XXXXXX)}"
export PROCTOR_PG_PORT="${PROCTOR_PG_PORT:-54330}"
trap 'scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT
PROCTOR_TEST_DATABASE_URL="$(scripts/postgres.sh start)"
export PROCTOR_TEST_DATABASE_URL
# The processes under test choose their database from DATABASE_URL; none may leak in from outside.
unset DATABASE_URL

swift test --skip-build --disable-xctest

# Debian's python (not a pyenv or venv one): that is where python3-selenium is installed.
/usr/bin/python3 Tests/Browser/web_app_test.py --binary "$bin/proctor"
/usr/bin/python3 Tests/MultiNode/multi_node_test.py --binary "$bin/proctor" --database "$PROCTOR_TEST_DATABASE_URL"
