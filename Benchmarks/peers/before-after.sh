#!/usr/bin/env bash
# The figures a change of the house must not move, before it (REF, a commit) and after it
# (AFTER, a commit, by default HEAD), in the same run on the same machine, one system at a time, the two sides taking
# turns over ROUNDS rounds so that a drift of the machine touches both alike:
#
#   nearby    the finder in process: PeerHarness export, 5,000 stores × 500 SKUs, 2,000 queries
#   http      o2o serving the demo city: wrk against /v1/stores/nearby and /healthz (http.sh)
#   stock     durable stock updates through the till-batch path (PeerHarness stock-updates)
#   checkout  a customer's POST /v1/orders over HTTP on loopback (checkout.py), 200 orders
#
#   Benchmarks/peers/before-after.sh REF [AFTER] [--rounds 2] [--seconds 15]
#
# Each side is built in release mode in its own Benchmarks package, in a git worktree of its
# commit (Benchmarks/.build/before and .../after, so the work tree may change while it runs);
# the first run builds both from scratch, about twenty minutes on two cores. Writes Benchmarks/.build/before-after/summary.md (the table for RESULTS.md) and
# the raw JSON beside it.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
ref=${1:?usage: $0 REF [AFTER] [--rounds N] [--seconds S]}; shift
after_ref=HEAD
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then after_ref=$1; shift; fi
rounds=2; seconds=15
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        *) echo "usage: $0 REF [AFTER] [--rounds N] [--seconds S]" >&2; exit 2 ;;
    esac
done
commit=$(git -C "$here" rev-parse --verify "$ref^{commit}") || { echo "no commit $ref" >&2; exit 2; }
after_commit=$(git -C "$here" rev-parse --verify "$after_ref^{commit}") || { echo "no commit $after_ref" >&2; exit 2; }
command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get install -y -qq wrk >/dev/null; }

# One worktree per side (the one after moved to its commit): a later run rebuilds only what changed.
before=$here/Benchmarks/.build/before-${commit:0:12}
after=$here/Benchmarks/.build/after
for pair in "$before $commit" "$after $after_commit"; do
    set -- $pair
    if [ -d "$1" ]; then git -C "$1" checkout --quiet --detach "$2"; else git -C "$here" worktree add --detach "$1" "$2" >/dev/null; fi
done
out=$here/Benchmarks/.build/before-after
rm -rf "$out"; mkdir -p "$out"
for side in before after; do
    tree=$after; [ $side = before ] && tree=$before
    echo "== building $side ($tree)"
    (cd "$tree/Benchmarks" && swift build -c release --product PeerHarness && swift build -c release --product o2o) \
        >"$out/build-$side.log" 2>&1 || { tail -40 "$out/build-$side.log" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/o2o-before-after.XXXXXX")
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

checkout() {  # side, tree, folder
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    rm -f "$work/checkout.sqlite"*
    "$2/Benchmarks/.build/release/o2o" serve --db "$work/checkout.sqlite" --geodata "$here/GeoData" --port "$port" \
        --dispatch-interval 0 --bcrypt-cost 4 --write-rate 0 >"$3/checkout-server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 600); do
        curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        kill -0 "$server" 2>/dev/null || { cat "$3/checkout-server.log" >&2; exit 1; }
        sleep 0.2
    done
    python3 "$here/Benchmarks/peers/checkout.py" "http://127.0.0.1:$port" "$work/checkout.sqlite" 200 "$3/checkout.json"
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

for round in $(seq 1 "$rounds"); do
    for side in before after; do
        tree=$after; [ $side = before ] && tree=$before
        folder=$out/$side-$round; mkdir -p "$folder"
        echo "== round $round, $side"
        "$tree/Benchmarks/.build/release/PeerHarness" export "$folder" --stores 5000 --skus-per-store 500 --queries 2000 2>"$folder/nearby.log"
        rm -f "$folder"/*.csv
        "$tree/Benchmarks/peers/http.sh" "$folder" "$seconds" 2>"$folder/http.log"
        "$tree/Benchmarks/.build/release/PeerHarness" stock-updates "$folder" 2>"$folder/stock.log"
        checkout $side "$tree" "$folder"
    done
done

python3 - "$out" "$rounds" "${commit:0:7}" "${after_commit:0:7}" <<'PY'
import json, statistics, sys
out, rounds, ref, head = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def load(side, name):
    return [json.load(open(f"{out}/{side}-{r}/{name}")) for r in range(1, rounds + 1)]
rows = []
def row(label, unit, pick, better):
    b = [pick(x) for x in load("before", label[0])]; a = [pick(x) for x in load("after", label[0])]
    mb, ma = statistics.median(b), statistics.median(a)
    change = 100 * (ma - mb) / mb
    rows.append(f"| {label[1]} | {mb:,.{unit}f} | {ma:,.{unit}f} | {change:+.1f} % ({better}) |")
row(("o2o-timing.json", "nearby in process, p50 µs"), 1, lambda x: x["p50_us"], "lower is better")
row(("o2o-timing.json", "nearby in process, p99 µs"), 1, lambda x: x["p99_us"], "lower is better")
row(("http.json", "HTTP `/healthz`, requests/s"), 0, lambda x: x["healthz"]["rps"], "higher is better")
row(("http.json", "HTTP nearby, requests/s"), 0, lambda x: x["nearby"]["rps"], "higher is better")
row(("http.json", "HTTP nearby, share of `/healthz`'s rate, %"), 1, lambda x: 100 * x["ratio"], "higher is better")
row(("http.json", "HTTP nearby, p99 ms"), 2, lambda x: x["nearby"]["p99_ms"], "lower is better")
row(("stock-updates.json", "durable stock updates, rows/s"), 0, lambda x: x["o2o"]["rows_per_s"], "higher is better")
row(("stock-updates.json", "durable stock updates, batch p50 ms"), 2, lambda x: x["o2o"]["batch_p50_ms"], "lower is better")
row(("checkout.json", "checkout `POST /v1/orders`, p50 ms"), 2, lambda x: x["p50_ms"], "lower is better")
row(("checkout.json", "checkout `POST /v1/orders`, p99 ms"), 2, lambda x: x["p99_ms"], "lower is better")
text = (f"Before ({ref}) and after ({head}), medians of {rounds} rounds taken in turn:\n\n"
        "| figure | before | after | change |\n|---|---|---|---|\n" + "\n".join(rows) + "\n")
open(f"{out}/summary.md", "w").write(text)
print(text)
PY
