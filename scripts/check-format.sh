#!/usr/bin/env bash
# Fails when a tracked C++ file is not laid out as .clang-format says (issue 25: one format, applied
# once in one commit — listed in .git-blame-ignore-revs). Fix with: scripts/check-format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc')
if [[ "${1:-}" == --fix ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/qabot-format.$$; then
  grep -E '^[^ ].*: (error|warning):' /tmp/qabot-format.$$ | cut -d: -f1 | sort -u | sed 's/^/not formatted: /'
  rm -f /tmp/qabot-format.$$
  echo "run scripts/check-format.sh --fix" >&2
  exit 1
fi
rm -f /tmp/qabot-format.$$
echo "format: ${#files[@]} files as .clang-format lays them out"
