#!/usr/bin/env bash
# README's first command: install what is missing, build, index data/, start the chat server.
# Extra arguments go to `qabot serve` (e.g. --port 9000, --host 0.0.0.0).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh qabot
./build/qabot index data --db qabot.db
echo "qabot: open the URL below in a browser (Ctrl+C stops the server)"
exec ./build/qabot serve --db qabot.db --notes data --watch "$@"
