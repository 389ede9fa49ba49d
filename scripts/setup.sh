#!/usr/bin/env bash
# Installs the system libraries o2o builds against, when they are missing (Debian 12); with
# --test also what the tests drive (headless Chromium and its driver for the console's test).
set -euo pipefail
need=()
pkg-config --exists spatialite 2>/dev/null || need+=(libspatialite-dev)
pkg-config --exists proj 2>/dev/null || need+=(libproj-dev)
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
[[ -e /usr/share/zoneinfo/Europe/Lisbon ]] || need+=(tzdata)
# The API fuzzing step (scripts/fuzz-api.sh) makes a Python venv and talks to the server with curl.
command -v curl >/dev/null || need+=(curl)
python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv)
# The web console's map library, served by o2o from the system's path (not copied into the repository).
[[ -e /usr/share/javascript/leaflet/leaflet.esm.js ]] || need+=(libjs-leaflet)
# The console's browser test (scripts/console-test.sh): headless Chromium driven through chromedriver.
if [[ "${1:-}" == "--test" ]]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  # The documentation's test checks the systemd unit with systemd-analyze.
  command -v systemd-analyze >/dev/null || need+=(systemd)
fi
if ((${#need[@]})); then
  echo "installing ${need[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
