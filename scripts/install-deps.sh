#!/usr/bin/env bash
# Installs every Debian package qabot needs to build, run and test. Idempotent: packages already
# present are skipped, so a second run costs one dpkg query.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libboost1.81-dev libboost-url1.81-dev nlohmann-json3-dev libsqlite3-dev sqlite3 libgtest-dev libgmock-dev
  libicu-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libstemmer-dev
  libcli11-dev libspdlog-dev libfmt-dev libssl-dev libbenchmark-dev
  libpq-dev  # the PostgreSQL state store (src/state)
  libyaml-cpp-dev libtoml11-dev  # note front matter (src/ingest/front_matter.cpp)
  libjs-katex fonts-katex libjs-highlight.js  # the page's math and code highlighting, compiled in (web/CMakeLists.txt)
  wamerican  # English words that typo correction leaves alone, compiled in (src/retrieval/CMakeLists.txt)
)
if [[ "${QABOT_WITH_TEST_DEPS:-0}" == 1 ]]; then
  # Independent clients for the integration and browser tests.
  packages+=(python3 python3-websockets chromium fonts-noto-cjk)
  # The throwaway certificate of the `qabot chat wss://` test (tests/integration/chat_tls.py).
  packages+=(openssl)
  # The fuzz targets (tests/fuzz): clang 14 and its runtimes (libFuzzer, ASan, UBSan), which clang
  # itself does not pull in.
  packages+=(clang libclang-rt-14-dev)
  # The format check (scripts/check-format.sh, .clang-format).
  packages+=(clang-format)
  # The PostgreSQL tests and the scale-out test start their own throwaway server and nginx
  # (tests/support/pg_temp.sh, tests/deploy): only the binaries are needed, not the services.
  packages+=(postgresql-15 nginx)
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
  # postgresql-15 and nginx start their services on install. Tests need neither service, and in a
  # container without systemd (or with port 80 taken) that start fails the whole install: tell
  # invoke-rc.d not to start anything while we install, unless the machine already has a policy.
  own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  ((own_policy)) && rm -f /usr/sbin/policy-rc.d
  trap - EXIT
fi

if [[ "${QABOT_WITH_TEST_DEPS:-0}" == 1 ]]; then
  # The browser test's playwright-core (tests/browser/package.json) needs Node.js 18 or newer;
  # Debian 12's nodejs is 18.19. An older node from elsewhere on PATH fails here, not mid-test.
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if ((node_major < 18)); then
    echo "install-deps: the browser test needs Node.js >= 18 (found: $(node --version 2>/dev/null || echo none));" \
      "install Debian 12's nodejs (apt-get install nodejs) or put a newer node first on PATH" >&2
    exit 1
  fi
fi
