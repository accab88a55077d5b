#!/usr/bin/env bash
# Runs every test: checks the formatting (swift format lint), installs what is missing (scripts/setup.sh, plus PostgreSQL and the browser the
# tests drive, and the pinned schemathesis in vendor/venv), checks that setup builds the patched MobileFaceNet from the upstream file
# (scripts/test-model-setup.sh), builds, starts a throwaway PostgreSQL on
# loopback and a throwaway S3 server (OpenStack Swift's s3api, scripts/s3-test-server.sh), runs the Swift
# suites (the store and queue suites against SQLite and PostgreSQL, the blob store contract against
# the folder and S3), the web app and the SDK on another site's exam page in headless Chromium, the
# multi-node run (two servers, three workers, one PostgreSQL, one bucket, no shared folder), and the
# HTTP API against docs/openapi.yaml (every operation's real answers, then schemathesis).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Formatting first: the toolchain's swift format with the checked-in .swift-format; any finding fails the run.
swift format lint --strict --recursive --parallel Sources Tests Package.swift
echo "format: swift format lint found nothing"

# swift*: OpenStack Swift, whose s3api middleware is the tests' S3 server; memcached is its cache.
export PROCTOR_APT_PACKAGES="${PROCTOR_APT_PACKAGES:-} postgresql chromium chromium-driver python3-selenium python3-cryptography fonts-dejavu-core espeak-ng sox poppler-utils swift swift-proxy swift-account swift-container swift-object memcached"
scripts/setup.sh
scripts/setup.sh contract
# Setup without the patched MobileFaceNet in a mirror: it builds it from the upstream file (a scratch checkout, a few seconds).
scripts/test-model-setup.sh

swift build --build-tests
bin="$(swift build --show-bin-path)"

# A private PostgreSQL on 127.0.0.1 for this run only; stopped however the run ends.
export PROCTOR_PG_DIR="${PROCTOR_PG_DIR:-$(mktemp -d /tmp/proctor-test-pg.XXXXXX)}"
export PROCTOR_PG_PORT="${PROCTOR_PG_PORT:-54330}"
# And a private S3 server on 127.0.0.1 (objects in a throwaway folder); both stopped however the run ends.
export PROCTOR_S3_DIR="${PROCTOR_S3_DIR:-$(mktemp -d /tmp/proctor-test-s3.XXXXXX)}"
export PROCTOR_S3_PORT="${PROCTOR_S3_PORT:-58090}"
trap 'scripts/postgres.sh stop >/dev/null 2>&1 || true; scripts/s3-test-server.sh stop >/dev/null 2>&1 || true; rm -rf "$PROCTOR_S3_DIR"' EXIT
PROCTOR_TEST_DATABASE_URL="$(scripts/postgres.sh start)"
export PROCTOR_TEST_DATABASE_URL
# Sets PROCTOR_TEST_S3_{ENDPOINT,BUCKET,REGION,ACCESS_KEY_ID,SECRET_ACCESS_KEY}: the blob store
# contract, the S3 server tests and the multi-node run use it.
s3_exports="$(scripts/s3-test-server.sh start)"
eval "$s3_exports"
echo "s3: test server at $PROCTOR_TEST_S3_ENDPOINT, bucket $PROCTOR_TEST_S3_BUCKET"
# The processes under test choose their database from DATABASE_URL; none may leak in from outside.
unset DATABASE_URL

swift test --skip-build --disable-xctest

# Debian's python (not a pyenv or venv one): that is where python3-selenium is installed.
/usr/bin/python3 Tests/Browser/web_app_test.py --binary "$bin/proctor"
# The SDK on another origin's exam page, and the page's own signals (tab, fullscreen, clipboard, reloads, offline).
/usr/bin/python3 Tests/Browser/sdk_test.py --binary "$bin/proctor"
/usr/bin/python3 Tests/MultiNode/multi_node_test.py --binary "$bin/proctor" --database "$PROCTOR_TEST_DATABASE_URL"

# The HTTP API against docs/openapi.yaml, each with its own server: the real answers of every
# operation (contract), then schemathesis on every operation (fuzz), from vendor/venv's python.
vendor/venv/bin/python Tests/Contract/contract_test.py --binary "$bin/proctor"
vendor/venv/bin/python Tests/Contract/fuzz_test.py --binary "$bin/proctor"
