#!/usr/bin/env bash
# Fuzzes the running API against its own OpenAPI document with schemathesis (from PyPI, in a
# venv this script makes): the examples, the boundary cases and generated requests of every
# operation, signed in as an admin, checked for zero 5xx, documented statuses and content types,
# and responses that match their schemas. Bounded by --max-time (default 60 s).
# Uses the debug build of o2o (scripts/test.sh builds it); a fresh database in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
max_time=${1:-60}
venv=${O2O_FUZZ_VENV:-.build/fuzz-venv}
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis>=4,<5"
fi
bin=.build/debug/o2o
[ -x "$bin" ] || swift build --product o2o
work=$(mktemp -d)
port_file="$work/out"
cleanup() {
    if [ -n "${pid:-}" ]; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
O2O_ADMIN_PASSWORD="fuzz admin password" "$bin" accounts create-admin --db "$work/o2o.sqlite" --geodata GeoData \
    --email fuzz@example.com --bcrypt-cost 4 >/dev/null
"$bin" serve --db "$work/o2o.sqlite" --geodata GeoData --port 0 --write-rate 0 --bcrypt-cost 4 --dispatch-interval 0 \
    >"$port_file" 2>"$work/server.log" &
pid=$!
for _ in $(seq 1 600); do grep -q "listening on" "$port_file" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o "http://[0-9.:]*" "$port_file" | head -1)
[ -n "$url" ] || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
token=$(curl -sf --max-time 10 -X POST "$url/v1/sessions" -d '{"email":"fuzz@example.com","password":"fuzz admin password"}' \
    | python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')
echo "fuzzing $url for up to ${max_time}s"
# Event streams never end by themselves (the loopback tests read them); signing out would end
# the token every later request carries. Both are left out; every request has 30 s at most.
timeout $((max_time + 120)) "$venv/bin/schemathesis" run "$url/openapi.json" -H "Authorization: Bearer $token" \
    --exclude-path-regex '/(events|stream)$' --exclude-operation-id logout --request-timeout 30 \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing --max-examples 10 --workers 1 --max-time "$max_time" \
    --suppress-health-check filter_too_much,too_slow --seed 20261126 --no-color
kill -0 "$pid" 2>/dev/null || { echo "the server died during the run:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
