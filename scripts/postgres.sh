#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for development and tests, listening on 127.0.0.1 only.
#
#   scripts/postgres.sh start    creates the cluster if missing, starts it, prints its URL (nothing else on stdout)
#   scripts/postgres.sh stop     stops it
#   scripts/postgres.sh status   says whether it runs
#
#   url="$(scripts/postgres.sh start)"
#   PROCTOR_TEST_DATABASE_URL="$url" swift test --skip-build --disable-xctest --filter ProctorStoreTests
#
# PROCTOR_PG_DIR (default /tmp/proctor-postgres) holds the data, the socket and the log;
# PROCTOR_PG_PORT (default 54329) is the port. Authentication is `trust` and durability is off
# (fsync=off): this cluster is for tests, never for data anyone wants to keep. As root the server
# runs as the `postgres` user (PostgreSQL refuses root), so the folder must be reachable by it.
set -euo pipefail

dir="${PROCTOR_PG_DIR:-/tmp/proctor-postgres}"
port="${PROCTOR_PG_PORT:-54329}"
data="$dir/data"
log="$dir/postgres.log"
url="postgres://postgres@127.0.0.1:$port/postgres"

bin=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]]; then bin="$candidate"; break; fi
done
if [[ -z "$bin" ]]; then
    echo "postgres.sh: no PostgreSQL server under /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2
    exit 1
fi

# PostgreSQL will not run as root: as root, run its programs as the postgres user.
as_server_user() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

running() {
    [[ -f "$data/PG_VERSION" ]] && as_server_user "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
    if running; then
        echo "$url"
        return
    fi
    mkdir -p "$dir"
    if [[ "$(id -u)" == 0 ]]; then chown postgres:postgres "$dir"; fi
    chmod 700 "$dir"
    if [[ ! -f "$data/PG_VERSION" ]]; then
        as_server_user "$bin/initdb" -D "$data" --auth=trust -U postgres --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
            cat "$dir/initdb.log" >&2
            exit 1
        }
    fi
    (cd "$dir" && as_server_user "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off") >&2 || {
        tail -n 20 "$log" >&2 || true
        exit 1
    }
    # pg_ctl -w waits for start-up; this also proves the TCP listener takes connections.
    for _ in $(seq 1 100); do
        if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
            echo "$url"
            return
        fi
        sleep 0.2
    done
    echo "postgres.sh: the server started but does not accept connections on 127.0.0.1:$port (see $log)" >&2
    exit 1
}

stop() {
    if running; then
        (cd "$dir" && as_server_user "$bin/pg_ctl" -D "$data" -m fast -w stop) >&2
    else
        echo "postgres.sh: not running" >&2
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        if running; then echo "running: $url"; else echo "stopped"; exit 3; fi ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2 ;;
esac
