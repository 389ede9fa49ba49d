#!/usr/bin/env bash
# Runs o2o on the demo city: installs what is missing, builds, creates data/o2o.sqlite and
# imports Porto on first start, then serves on 127.0.0.1:8080. Extra arguments go to `o2o serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product o2o
exec .build/release/o2o serve --db data/o2o.sqlite --geodata GeoData "$@"
