#!/usr/bin/env bash
# Starts the Proctor server with the embedded defaults (SQLite and files under ./data), after
# installing what is missing. Extra arguments go to `proctor serve`.
#
# On the first start (no accounts yet) it creates the admin account `admin` with a random password
# and prints it once: there is no default password. Later starts leave accounts alone. It also
# creates the master key file (beside the data folder, not in it) and prints the key once.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/setup.sh
swift build -c release --product proctor
proctor=.build/release/proctor

# The data folder `serve` will use: --data-dir from the arguments, else the configuration's.
data_args=()
for ((i = 1; i <= $#; i++)); do
    if [[ "${!i}" == "--data-dir" ]]; then next=$((i + 1)); data_args=(--data-dir "${!next}"); fi
    if [[ "${!i}" == --data-dir=* ]]; then data_args=(--data-dir "${!i#--data-dir=}"); fi
done
if [[ -z "$("$proctor" admin list "${data_args[@]}")" ]]; then
    echo "------------------------------------------------------------------"
    echo "First start: creating the admin account for the dashboard (/admin)."
    "$proctor" admin create --username admin "${data_args[@]}"
    echo "Keep this password; it is not shown again."
    echo ""
    "$proctor" keys init "${data_args[@]}"
    echo "------------------------------------------------------------------"
fi
exec "$proctor" serve "$@"
