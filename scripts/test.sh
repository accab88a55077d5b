#!/usr/bin/env bash
# Runs every test: installs what is missing (scripts/setup.sh, plus the browser the web tests drive),
# builds, runs the Swift test suites, then the web app in headless Chromium.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The browser test drives Debian's Chromium through chromium-driver with Debian's Selenium.
export PROCTOR_APT_PACKAGES="${PROCTOR_APT_PACKAGES:-} chromium chromium-driver python3-selenium fonts-dejavu-core"
scripts/setup.sh

swift build --build-tests
swift test --skip-build --disable-xctest

# Debian's python (not a pyenv or venv one): that is where python3-selenium is installed.
/usr/bin/python3 Tests/Browser/web_app_test.py --binary "$(swift build --show-bin-path)/proctor"
