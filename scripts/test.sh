#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds, tests; then fuzzes the running
# API against its OpenAPI document (scripts/fuzz-api.sh, 60 s), drives the web console in
# headless Chromium (scripts/console-test.sh; screenshots in .build/console-test), and builds
# the release configuration the Quick start serves with, so a compiler crash there cannot land.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
swift test --disable-xctest "$@"
bash scripts/fuzz-api.sh 60
bash scripts/console-test.sh
swift build -c release --product o2o
