#!/usr/bin/env bash
# README's first command: install what is missing, build, index data/, start the server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
./build/qabot index data --db qabot.db
exec ./build/qabot serve --db qabot.db --notes data --watch "$@"
