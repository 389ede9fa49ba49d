#!/usr/bin/env bash
# The peers on the same data in the same run: builds the national-scale data set (PeerHarness,
# which also times o2o on it), starts PostgreSQL + PostGIS on 127.0.0.1 in a temporary folder,
# loads the same data, answers the same queries, checks the answers agree with o2o's, stops
# the server, and writes Benchmarks/RESULTS.md.
#
#   Benchmarks/Peers/run.sh [--stores N] [--skus-per-store M] [--queries Q]
#
# Defaults are a quick run (5,000 stores × 500 SKUs); the national scale is
# --stores 50000 --skus-per-store 2000 (100 million stock rows; loading PostGIS takes long).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
stores=5000; per=500; queries=2000
while [ $# -gt 0 ]; do
    case "$1" in
        --stores) stores=$2; shift 2 ;;
        --skus-per-store) per=$2; shift 2 ;;
        --queries) queries=$2; shift 2 ;;
        *) echo "usage: $0 [--stores N] [--skus-per-store M] [--queries Q]" >&2; exit 2 ;;
    esac
done

# System packages: PostgreSQL 15 with PostGIS 3, Redis 7, SpatiaLite's SQLite module (loaded by
# Debian's Python, which is built with extension loading), wrk.
pgbin=/usr/lib/postgresql/15/bin
syspython=/usr/bin/python3
spatialite_ok() { "$syspython" -c "import sqlite3; c = sqlite3.connect(':memory:'); c.enable_load_extension(True); c.load_extension('mod_spatialite')" 2>/dev/null; }
if [ ! -x "$pgbin/initdb" ] || ! ls /usr/share/postgresql/15/extension/postgis.control >/dev/null 2>&1 \
    || ! command -v redis-server >/dev/null || ! command -v wrk >/dev/null || ! spatialite_ok; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq && $sudo apt-get install -y -qq postgresql-15-postgis-3 redis-server wrk python3 libsqlite3-mod-spatialite >/dev/null
fi
spatialite_ok || { echo "$syspython cannot load mod_spatialite" >&2; exit 1; }
# Python client in a venv of our own.
venv=$here/Benchmarks/.build/peers-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import psycopg, redis, shapely, scipy, lap" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "psycopg[binary]>=3.1" "redis>=5" "shapely>=2.0" numpy scipy lap
fi

data=$(mktemp -d "${TMPDIR:-/tmp}/o2o-peers-data.XXXXXX")
pgdata=$(mktemp -d "${TMPDIR:-/tmp}/o2o-peers-pg.XXXXXX")
redis_pid=""
cleanup() {
    [ -f "$pgdata/db/postmaster.pid" ] && run_pg "$pgbin/pg_ctl" -D "$pgdata/db" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null || true
    rm -rf "$pgdata"
    # O2O_PEERS_KEEP=1 keeps the data set and every system's answers, to look into a mismatch.
    if [ "${O2O_PEERS_KEEP:-0}" = 1 ]; then echo "data kept in $data" >&2; else rm -rf "$data"; fi
}
# PostgreSQL refuses to run as root: as root, run it as the postgres user.
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] && chown postgres "$pgdata" && chmod 755 "$data"

echo "== data and o2o ($stores stores × $per SKUs, $queries queries)"
(cd "$here/Benchmarks" && swift build -c release --product PeerHarness >"$pgdata/build.log" 2>&1) || { cat "$pgdata/build.log" >&2; exit 1; }
"$here/Benchmarks/.build/release/PeerHarness" export "$data" --stores "$stores" --skus-per-store "$per" --queries "$queries"

echo "== PostGIS"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
run_pg "$pgbin/initdb" -D "$pgdata/db" -U o2o --auth=trust -E UTF8 >/dev/null
# A read benchmark: durability settings do not matter to the queries; memory as a small server's.
run_pg "$pgbin/pg_ctl" -D "$pgdata/db" -w -t 60 -l "$pgdata/log" \
    -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c work_mem=64MB -c fsync=off -c synchronous_commit=off -c max_wal_size=8GB" start >/dev/null
status=0
"$venv/bin/python" "$here/Benchmarks/Peers/postgis_peer.py" "host=127.0.0.1 port=$port user=o2o dbname=postgres" "$data" || status=$?

run_pg "$pgbin/pg_ctl" -D "$pgdata/db" -m fast -w -t 60 stop >/dev/null

echo "== SpatiaLite"
"$syspython" "$here/Benchmarks/Peers/spatialite_peer.py" "$pgdata/spatialite.sqlite" "$data" || status=$?
rm -f "$pgdata/spatialite.sqlite"

echo "== Redis"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$pgdata" --daemonize no >"$pgdata/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 1 100); do "$venv/bin/python" -c "import redis; redis.Redis(port=$port).ping()" 2>/dev/null && break; sleep 0.1; done
"$venv/bin/python" "$here/Benchmarks/Peers/redis_peer.py" "$port" "$data" || status=$?
# Stopped before the next measurement, so that its background work does not share the cores.
kill "$redis_pid" && wait "$redis_pid" 2>/dev/null || true
redis_pid=""

echo "== assignment: scipy and lap"
"$here/Benchmarks/.build/release/PeerHarness" assignment "$data"
"$venv/bin/python" "$here/Benchmarks/Peers/assignment_peer.py" "$data" || status=$?

echo "== results"
"$venv/bin/python" "$here/Benchmarks/Peers/results.py" "$data" "$here/Benchmarks/RESULTS.md" \
    "Benchmarks/Peers/run.sh --stores $stores --skus-per-store $per --queries $queries"
exit $status
