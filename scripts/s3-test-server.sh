#!/usr/bin/env bash
# A throwaway S3-compatible server for tests and benchmarks, on 127.0.0.1 only: Debian's OpenStack
# Swift (proxy, account, container and object servers, memcached) with its s3api middleware
# (part of the `swift` package since 2.26) and tempauth, one-replica rings, mount_check off.
#
#   scripts/s3-test-server.sh start    builds the folder if missing, starts the servers, creates the
#                                      bucket, prints `export PROCTOR_TEST_S3_…=…` lines (nothing else on stdout)
#   scripts/s3-test-server.sh stop     stops every process it started
#   scripts/s3-test-server.sh status   says whether the proxy answers
#
#   eval "$(scripts/s3-test-server.sh start)"
#   swift test --skip-build --disable-xctest --filter ProctorBlobStoreTests
#
# PROCTOR_S3_DIR (default /tmp/proctor-s3) holds configuration, rings, objects, logs and pids;
# PROCTOR_S3_PORT (default 58080) is the proxy's port, the next three ports are the object,
# container and account servers' and the fourth memcached's. The account is tempauth's
# `test:tester` with key `testing`: a server for tests, never for data anyone wants to keep.
# Apt packages: swift swift-proxy swift-account swift-container swift-object memcached.
set -euo pipefail

dir="${PROCTOR_S3_DIR:-/tmp/proctor-s3}"
port="${PROCTOR_S3_PORT:-58080}"
object_port=$((port + 1))
container_port=$((port + 2))
account_port=$((port + 3))
memcached_port=$((port + 4))
bucket="${PROCTOR_S3_BUCKET:-proctor-test}"
access_key="test:tester"
secret_key="testing"
endpoint="http://127.0.0.1:$port"
user="$(id -un)"

for program in swift-proxy-server swift-object-server swift-container-server swift-account-server swift-ring-builder memcached curl; do
    if ! command -v "$program" >/dev/null; then
        echo "s3-test-server.sh: $program is missing (apt-get install swift swift-proxy swift-account swift-container swift-object memcached curl)" >&2
        exit 1
    fi
done

answers() {
    curl -fsS -o /dev/null --max-time 2 "$endpoint/healthcheck" 2>/dev/null
}

write_configuration() {
    mkdir -p "$dir/etc" "$dir/srv/d1" "$dir/run" "$dir/log"
    cat >"$dir/etc/swift.conf" <<EOF
[swift-hash]
swift_hash_path_suffix = proctor-test
swift_hash_path_prefix = proctor-test
[storage-policy:0]
name = Policy-0
default = yes
EOF
    local common="[DEFAULT]
bind_ip = 127.0.0.1
devices = $dir/srv
mount_check = false
swift_dir = $dir/etc
user = $user
workers = 1
log_facility = LOG_LOCAL0
log_level = WARNING
disable_fallocate = true
"
    for server in object container account; do
        local server_port_var="${server}_port"
        cat >"$dir/etc/$server-server.conf" <<EOF
$common
bind_port = ${!server_port_var}

[pipeline:main]
pipeline = $server-server

[app:$server-server]
use = egg:swift#$server

[$server-replicator]
[$server-updater]
[$server-auditor]
EOF
    done
    # s3api before tempauth (it turns an S3 signature into a Swift identity), the large-object
    # middlewares after it (multipart uploads are built on SLO).
    cat >"$dir/etc/proxy-server.conf" <<EOF
$common
bind_port = $port

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
# Reject requests whose clock differs by more than this from the server's, as AWS does.
allowable_clock_skew = 900

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = $secret_key .admin

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcached_port
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
EOF
    # One device, one replica, one zone: the smallest ring that works.
    (
        cd "$dir/etc"
        for ring in object:"$object_port" container:"$container_port" account:"$account_port"; do
            local name="${ring%%:*}" ring_port="${ring##*:}"
            swift-ring-builder "$name.builder" create 6 1 1 >/dev/null
            swift-ring-builder "$name.builder" add "r1z1-127.0.0.1:$ring_port/d1" 1 >/dev/null
            swift-ring-builder "$name.builder" rebalance >/dev/null 2>&1 || true
        done
    )
    touch "$dir/.configured-$port"
}

start_one() {
    local name="$1"
    shift
    local pidfile="$dir/run/$name.pid"
    if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then return; fi
    nohup "$@" >"$dir/log/$name.log" 2>&1 &
    echo $! >"$pidfile"
}

start() {
    if [[ ! -f "$dir/.configured-$port" ]]; then
        rm -rf "$dir"
        write_configuration
    fi
    start_one memcached memcached -l 127.0.0.1 -p "$memcached_port" -U 0 -m 64 -u "$user"
    start_one object swift-object-server "$dir/etc/object-server.conf"
    start_one container swift-container-server "$dir/etc/container-server.conf"
    start_one account swift-account-server "$dir/etc/account-server.conf"
    start_one proxy swift-proxy-server "$dir/etc/proxy-server.conf"
    for _ in $(seq 1 150); do
        if answers; then break; fi
        sleep 0.2
    done
    if ! answers; then
        echo "s3-test-server.sh: the proxy does not answer on $endpoint (logs in $dir/log)" >&2
        tail -n 20 "$dir"/log/*.log >&2 || true
        exit 1
    fi
    # The bucket is a Swift container of the tempauth account: made through Swift's own API, so the
    # tests start from an existing, empty bucket without an S3 client in the shell.
    local auth token storage
    auth="$(curl -fsS -i --max-time 10 -H "X-Auth-User: $access_key" -H "X-Auth-Key: $secret_key" "$endpoint/auth/v1.0")"
    token="$(printf '%s' "$auth" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-auth-token" {print $2}')"
    storage="$(printf '%s' "$auth" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-storage-url" {print $2}')"
    local created=0
    for _ in $(seq 1 50); do
        if curl -fsS -o /dev/null --max-time 10 -X PUT -H "X-Auth-Token: $token" "$storage/$bucket"; then created=1; break; fi
        sleep 0.2
    done
    if [[ "$created" != 1 ]]; then
        echo "s3-test-server.sh: could not create bucket $bucket (logs in $dir/log)" >&2
        exit 1
    fi
    cat <<EOF
export PROCTOR_TEST_S3_ENDPOINT=$endpoint
export PROCTOR_TEST_S3_BUCKET=$bucket
export PROCTOR_TEST_S3_REGION=us-east-1
export PROCTOR_TEST_S3_ACCESS_KEY_ID=$access_key
export PROCTOR_TEST_S3_SECRET_ACCESS_KEY=$secret_key
EOF
}

stop() {
    local stopped=0
    for name in proxy account container object memcached; do
        local pidfile="$dir/run/$name.pid"
        [[ -f "$pidfile" ]] || continue
        local pid
        pid="$(cat "$pidfile")"
        # Only the processes this script started, by their id (and the workers they forked).
        if kill -0 "$pid" 2>/dev/null; then
            pkill -TERM -P "$pid" 2>/dev/null || true
            kill -TERM "$pid" 2>/dev/null || true
            stopped=1
        fi
        rm -f "$pidfile"
    done
    if [[ "$stopped" == 0 ]]; then echo "s3-test-server.sh: not running" >&2; fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        if answers; then echo "running: $endpoint"; else echo "stopped"; exit 3; fi ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2 ;;
esac
