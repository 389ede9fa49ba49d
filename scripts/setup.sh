#!/usr/bin/env bash
# Installs the system libraries o2o builds against, when they are missing (Debian 12).
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
if ((${#need[@]})); then
  echo "installing ${need[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
