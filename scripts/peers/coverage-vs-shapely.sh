#!/usr/bin/env bash
# The coverage benchmark against shapely's STRtree on the same seeded city: 1,000,000 demand
# points and 2,000 zones. Runs the o2o benchmark (which writes the city to a folder), then the
# same query in shapely from a virtual environment this script creates, and prints both times
# and both answers (points in at least one and in at least two zones), which must agree.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
data=${O2O_COVERAGE_DATA:-$here/Benchmarks/.build/coverage-city}
venv=${O2O_PEERS_VENV:-$here/Benchmarks/.build/peers-venv}
mkdir -p "$data"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "shapely>=2.0" numpy
fi
cd "$here/Benchmarks"
O2O_COVERAGE_EXPORT="$data" swift package benchmark --target CoverageBenchmarks 2>&1 \
    | grep -E "^o2o:|^Coverage|Time \(wall clock\)|Memory \(resident peak\)" | uniq
"$venv/bin/python" "$here/scripts/peers/coverage_shapely.py" "$data"
