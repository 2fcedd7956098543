#!/usr/bin/env bash
# Configures and builds qabot into build/ (incremental: a no-op build takes a second).
set -euo pipefail
cd "$(dirname "$0")/.."
build_type=${QABOT_BUILD_TYPE:-RelWithDebInfo}
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE="$build_type" -DQABOT_WERROR=ON "$@"
fi
cmake --build build -j"$(nproc)"
