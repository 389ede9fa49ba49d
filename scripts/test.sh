#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds, tests; then fuzzes the running
# API against its OpenAPI document (scripts/fuzz-api.sh, 60 s).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift test --disable-xctest "$@"
bash scripts/fuzz-api.sh 60
