#!/usr/bin/env bash
# Configures (once) and builds qabot into build/: `scripts/build.sh [TARGET...]` (default: everything).
# Incremental: with nothing changed it takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE="${QABOT_BUILD_TYPE:-RelWithDebInfo}" -DQABOT_WERROR=ON
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build build -j"$(nproc)" "${targets[@]}"
