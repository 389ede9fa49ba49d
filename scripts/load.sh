#!/usr/bin/env bash
# Mixed traffic on loopback for SECONDS (default 60) against the release build on a fresh demo
# database: customers searching and checking baskets, shoppers checking out and paying through
# the WeChat Pay sandbox's signed callbacks, store staff syncing stock, riders reporting
# positions (scripts/load/locustfile.py, run by locust from PyPI in a venv this script makes).
# Then the stock index is checked against the database and the server is stopped with SIGTERM.
# Prints requests, failures and latency by kind, and the server's resident memory over the run;
# writes everything under .build/load/ (O2O_LOAD_OUT). O2O_LOAD_USERS sets the users (60).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
users=${O2O_LOAD_USERS:-60}
out=${O2O_LOAD_OUT:-.build/load}
venv=${O2O_LOAD_VENV:-.build/load-venv}
if [ ! -x "$venv/bin/locust" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "locust>=2.20,<3"
fi
swift build -c release --product o2o >&2
bin=.build/release/o2o
mkdir -p "$out"
rm -f "$out"/load_*.csv "$out/rss.txt"
work=$(mktemp -d)
cleanup() {
    if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
export O2O_LOAD_ADMIN_EMAIL=load-admin@example.com O2O_LOAD_ADMIN_PASSWORD="load admin password"
O2O_ADMIN_PASSWORD="$O2O_LOAD_ADMIN_PASSWORD" "$bin" accounts create-admin --db "$work/o2o.sqlite" --geodata GeoData \
    --email "$O2O_LOAD_ADMIN_EMAIL" >/dev/null
"$bin" serve --db "$work/o2o.sqlite" --geodata GeoData --port 0 >"$work/out" 2>"$out/server.log" &
pid=$!
for _ in $(seq 1 600); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o "http://[0-9.:]*" "$work/out" | head -1)
[ -n "$url" ] || { echo "the server did not start:" >&2; cat "$out/server.log" >&2; exit 1; }
export O2O_PAYMENTS="$work/payments.json"
# Resident memory once a second, from the moment the load starts.
( start=$(date +%s.%N); while kill -0 "$pid" 2>/dev/null; do
      echo "$(awk "BEGIN { print $(date +%s.%N) - $start }") $(ps -o rss= -p "$pid" | tr -d ' ')"; sleep 1
  done ) >"$out/rss.txt" 2>/dev/null &
sampler=$!
echo "load on $url: $users users for ${seconds}s" >&2
"$venv/bin/locust" -f scripts/load/locustfile.py --headless -u "$users" -r 20 -t "${seconds}s" --host "$url" \
    --csv "$out/load" --only-summary --stop-timeout 5 --loglevel WARNING >"$out/locust.log" 2>&1 || true
token=$(curl -sf -X POST "$url/v1/sessions" -d "{\"email\":\"$O2O_LOAD_ADMIN_EMAIL\",\"password\":\"$O2O_LOAD_ADMIN_PASSWORD\"}" \
    | python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')
curl -sf "$url/v1/ops/stock-check" -H "Authorization: Bearer $token" >"$out/stock-check.json"
curl -sf "$url/metrics" -H "Authorization: Bearer $token" >"$out/metrics.txt"
kill "$sampler" 2>/dev/null || true
stop_start=$(date +%s.%N)
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
stopped=$(awk "BEGIN { print $(date +%s.%N) - $stop_start }")
pid=
python3 scripts/load/summary.py "$out" "$seconds" "$status" "$stopped"
