#!/usr/bin/env bash
# Tests the web console in a real headless browser: Debian's chromium and chromedriver, driven by
# Selenium (from PyPI, in a venv this script makes), against a running o2o on a fresh demo
# database. Each page performs its main action (a search; a dispatch round; a what-if store); the
# page must show what the API answers for the same request, the browser console must stay free of
# errors, and a screenshot of each page (desktop and phone width) goes to the output folder
# (default .build/console-test; first argument or $O2O_TEST_OUTPUT).
# Uses the debug build of o2o (scripts/test.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-${O2O_TEST_OUTPUT:-.build/console-test}}
mkdir -p "$out"
venv=${O2O_CONSOLE_VENV:-.build/console-venv}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "selenium>=4.20,<5"
fi
bin=.build/debug/o2o
[ -x "$bin" ] || swift build --product o2o
work=$(mktemp -d)
cleanup() {
    for p in ${pid:-} ${bare_pid:-}; do
        kill "$p" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null || true
    done
    cp "$work/server.log" "$out/server.log" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
O2O_ADMIN_PASSWORD="console admin password" "$bin" accounts create-admin --db "$work/o2o.sqlite" --geodata GeoData \
    --email admin@example.com --bcrypt-cost 4 >/dev/null
# No timed rounds: the test runs them from the page, so it knows which round it compares.
"$bin" serve --db "$work/o2o.sqlite" --geodata GeoData --port 0 --bcrypt-cost 4 --dispatch-interval 0 \
    >"$work/out" 2>"$work/server.log" &
pid=$!
# A second server whose machine lacks Leaflet: the pages must still work without their map.
O2O_LEAFLET="$work/no-leaflet" "$bin" serve --db "$work/bare.sqlite" --geodata GeoData --port 0 --dispatch-interval 0 \
    >"$work/bare.out" 2>"$work/bare.log" &
bare_pid=$!
for _ in $(seq 1 600); do grep -q "listening on" "$work/out" 2>/dev/null && grep -q "listening on" "$work/bare.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o "http://[0-9.:]*" "$work/out" | head -1)
bare=$(grep -o "http://[0-9.:]*" "$work/bare.out" | head -1)
[ -n "$url" ] || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
[ -n "$bare" ] || { echo "the server without Leaflet did not start:" >&2; cat "$work/bare.log" >&2; exit 1; }
echo "testing the console at $url/console/ (screenshots in $out)"
"$venv/bin/python" Tests/Console/console_test.py --url "$url" --url-without-leaflet "$bare" --out "$out" \
    --admin-email admin@example.com --admin-password "console admin password"
kill -0 "$pid" 2>/dev/null || { echo "the server died during the run:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
