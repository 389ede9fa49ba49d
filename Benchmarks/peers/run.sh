#!/usr/bin/env bash
# o2o and its peers on the same data in the same run, one stage after another, each checking
# that the peers' answers equal o2o's (a mismatch fails the run), then Benchmarks/RESULTS.md:
#
#   http      o2o serving the demo city, wrk against /v1/stores/nearby and /healthz
#   stock     durable stock updates: o2o's batch path against raw SQLite upserts
#   riders    rider location updates, nearest idle rider under a stream of updates
#   assign    dense and sparse assignment: o2o against scipy and lap
#   routing   Li & Lim 100 at 1 s per instance: o2o against VROOM (pyvroom)
#   coverage  1,000,000 points × 2,000 zones: o2o against shapely's STRtree
#   nearby    (last, the heavy one) the national data set (PeerHarness, which times o2o's
#             finder on it), then PostgreSQL + PostGIS and Redis on 127.0.0.1 in temporary
#             folders and SQLite + SpatiaLite in process, each loading the same data and
#             answering the same queries
#
#   Benchmarks/peers/run.sh [--stores N] [--skus-per-store M] [--queries Q] [--skip "STAGE ..."]
#
# Defaults are a quick run (5,000 stores × 500 SKUs); the national scale is
# --stores 50000 --skus-per-store 2000 (100 million stock rows; loading the peers takes long).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
stores=5000; per=500; queries=2000; skip=""
while [ $# -gt 0 ]; do
    case "$1" in
        --stores) stores=$2; shift 2 ;;
        --skus-per-store) per=$2; shift 2 ;;
        --queries) queries=$2; shift 2 ;;
        --skip) skip=" $2 "; shift 2 ;;
        *) echo "usage: $0 [--stores N] [--skus-per-store M] [--queries Q] [--skip \"STAGE ...\"]" >&2; exit 2 ;;
    esac
done
stage() { case "$skip" in *" $1 "*) return 1 ;; *) return 0 ;; esac; }

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
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import psycopg, redis, shapely, scipy, lap, vroom" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "psycopg[binary]>=3.1" "redis>=5" "shapely>=2.0" numpy scipy lap pyvroom
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

(cd "$here/Benchmarks" && swift build -c release --product PeerHarness >"$pgdata/build.log" 2>&1) || { cat "$pgdata/build.log" >&2; exit 1; }
harness=$here/Benchmarks/.build/release/PeerHarness
status=0

if stage http; then
echo "== http: wrk against o2o"
"$here/Benchmarks/peers/http.sh" "$data" 15 || status=$?
fi

if stage stock; then
echo "== stock: durable updates, o2o and raw SQLite"
"$harness" stock-updates "$data" || status=$?
fi

if stage riders; then
echo "== riders: location updates and nearest idle rider"
"$harness" riders "$data" || status=$?
fi

if stage assign; then
echo "== assign: o2o, scipy and lap"
"$harness" assignment "$data"
"$venv/bin/python" "$here/Benchmarks/peers/assignment_peer.py" "$data" || status=$?
fi

if stage routing; then
echo "== routing: o2o and VROOM on Li & Lim 100, 1 s each"
"$harness" routing "$data" 2>"$data/routing-o2o.log" || status=$?
"$venv/bin/python" "$here/Benchmarks/peers/vroom_peer.py" "$here/GeoData/vrp/lilim100" "$data" 1 2>"$data/routing-vroom.log" || status=$?
fi

if stage coverage; then
echo "== coverage: o2o and shapely"
"$harness" coverage "$data/coverage"
"$venv/bin/python" "$here/Benchmarks/peers/coverage_shapely.py" "$data/coverage" || status=$?
cp "$data/coverage/coverage-o2o.json" "$data/coverage/coverage-shapely.json" "$data/"
fi

# Last: its servers load gigabytes, and the disk and page cache settle long after they stop,
# which would disturb the latency of the stages above.
if stage nearby; then
echo "== nearby: data and o2o ($stores stores × $per SKUs, $queries queries)"
"$harness" export "$data" --stores "$stores" --skus-per-store "$per" --queries "$queries"

echo "== nearby: PostGIS"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
run_pg "$pgbin/initdb" -D "$pgdata/db" -U o2o --auth=trust -E UTF8 >/dev/null
# A read benchmark: durability settings do not matter to the queries; memory as a small server's.
run_pg "$pgbin/pg_ctl" -D "$pgdata/db" -w -t 60 -l "$pgdata/log" \
    -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c work_mem=64MB -c maintenance_work_mem=2GB -c fsync=off -c synchronous_commit=off -c max_wal_size=8GB" start >/dev/null
"$venv/bin/python" "$here/Benchmarks/peers/postgis_peer.py" "host=127.0.0.1 port=$port user=o2o dbname=postgres" "$data" || status=$?
run_pg "$pgbin/pg_ctl" -D "$pgdata/db" -m fast -w -t 60 stop >/dev/null
rm -rf "$pgdata/db"

echo "== nearby: SpatiaLite"
"$syspython" "$here/Benchmarks/peers/spatialite_peer.py" "$pgdata/spatialite.sqlite" "$data" || status=$?
rm -f "$pgdata/spatialite.sqlite"

echo "== nearby: Redis"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
# Sets of store ids stay compact integer sets at any size (a sorted array each, searched by halves).
redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$pgdata" --daemonize no \
    --set-max-intset-entries 100000 >"$pgdata/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 1 100); do "$venv/bin/python" -c "import redis; redis.Redis(port=$port).ping()" 2>/dev/null && break; sleep 0.1; done
"$venv/bin/python" "$here/Benchmarks/peers/redis_peer.py" "$port" "$data" || status=$?
# Stopped before the next measurement, so that its background work does not share the cores.
kill "$redis_pid" && wait "$redis_pid" 2>/dev/null || true
redis_pid=""
fi

echo "== results"
"$venv/bin/python" "$here/Benchmarks/peers/results.py" "$data" "$here/Benchmarks/RESULTS.md" \
    "Benchmarks/peers/run.sh --stores $stores --skus-per-store $per --queries $queries${skip:+ --skip \"$(echo $skip)\"}"
exit $status
