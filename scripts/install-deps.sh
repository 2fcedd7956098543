#!/usr/bin/env bash
# Installs every Debian package qabot needs to build, run and test. Idempotent: packages already
# present are skipped, so a second run costs one dpkg query.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libboost1.81-dev nlohmann-json3-dev libsqlite3-dev sqlite3 libgtest-dev libgmock-dev
  libicu-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libstemmer-dev
  libcli11-dev libspdlog-dev libfmt-dev libssl-dev libbenchmark-dev
)
if [[ "${QABOT_WITH_TEST_DEPS:-0}" == 1 ]]; then
  # Independent clients for the integration and browser tests.
  packages+=(python3 python3-websockets chromium fonts-noto-cjk)
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# A node from another source (e.g. nodesource) already brings npm; don't fight it.
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
