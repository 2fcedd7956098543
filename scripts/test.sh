#!/usr/bin/env bash
# README's second command: install what is missing (test clients included), build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
QABOT_WITH_TEST_DEPS=1 scripts/install-deps.sh
if [[ -f tests/browser/package.json ]]; then
  # playwright-core drives Debian's chromium; it downloads no browser of its own.
  (cd tests/browser && { [[ -d node_modules/playwright-core ]] || npm ci --no-audit --no-fund --loglevel=error; })
fi
scripts/build.sh
cd build
ctest -j2 --output-on-failure --timeout 600 "$@"
