#!/usr/bin/env bash
# HTTP: o2o serving the demo city on 127.0.0.1, wrk (2 threads, 64 connections) against
# GET /v1/stores/nearby (the 10 nearest stores that deliver to a point and have a SKU) and
# against GET /healthz (a small JSON body from counters: the server's ceiling), each for the
# same time; writes http.json to DIR. Called by run.sh, or alone:
#
#   Benchmarks/peers/http.sh DIR [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$1; seconds=${2:-15}
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
(cd "$here/Benchmarks" && swift build -c release --product o2o >"$out/o2o-build.log" 2>&1) || { cat "$out/o2o-build.log" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/o2o-http.XXXXXX")
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$here/Benchmarks/.build/release/o2o" serve --db "$work/o2o.sqlite" --geodata "$here/GeoData" --port "$port" \
    --dispatch-interval 0 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null

# 4,096 queries: points drawn over the city (seeded), each with one of the 20 SKUs most
# stores carry.
python3 - "$work/o2o.sqlite" "$work/paths.txt" <<'PY'
import random, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
skus = [r[0] for r in db.execute("""SELECT k.code FROM stock s JOIN skus k ON k.id = s.sku_id WHERE s.on_hand > 0
                                     GROUP BY k.code ORDER BY count(*) DESC, k.code LIMIT 20""")]
# The centre of Porto, where the extract's shops are (the box the finder's benchmarks use).
lat0, lat1, lon0, lon1 = 41.1237, 41.1567, -8.6216, -8.5936
rng = random.Random(7)
from urllib.parse import quote
with open(sys.argv[2], "w") as f:
    for i in range(4096):
        lat, lon = rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)
        f.write(f"/v1/stores/nearby?lat={lat:.6f}&lon={lon:.6f}&limit=10&delivers=true&sku={quote(rng.choice(skus))}&qty=1\n")
PY
# Every query answers 200 before the timing starts.
head -50 "$work/paths.txt" | while read -r path; do curl -fsS -o /dev/null "http://127.0.0.1:$port$path"; done

run_wrk() {  # name, path
    WRK_PATHS=${3:-} WRK_OUT="$out/wrk-$1.json" wrk -t2 -c64 -d"${seconds}s" --latency -s "$here/Benchmarks/peers/wrk.lua" \
        "http://127.0.0.1:$port$2" >"$out/wrk-$1.txt"
}
run_wrk warmup /healthz
run_wrk healthz /healthz
run_wrk nearby /v1/stores/nearby "$work/paths.txt"
python3 - "$out" "$seconds" <<'PY'
import json, sys
folder, seconds = sys.argv[1], int(sys.argv[2])
trivial, nearby = (json.load(open(f"{folder}/wrk-{n}.json")) for n in ("healthz", "nearby"))
json.dump({"seconds": seconds, "threads": 2, "connections": 64, "healthz": trivial, "nearby": nearby,
           "ratio": nearby["rps"] / trivial["rps"]}, open(f"{folder}/http.json", "w"), indent=1)
print(f"  … HTTP nearby {nearby['rps']:.0f} req/s (p99 {nearby['p99_ms']:.2f} ms), /healthz {trivial['rps']:.0f} req/s "
      f"(p99 {trivial['p99_ms']:.2f} ms): {100 * nearby['rps'] / trivial['rps']:.0f}% of the trivial route; "
      f"errors {nearby['errors'] + nearby['non2xx'] + trivial['errors'] + trivial['non2xx']}", file=sys.stderr)
PY
