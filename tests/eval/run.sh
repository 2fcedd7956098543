#!/usr/bin/env bash
# Retrieval quality on every query set we have: the shared dev set (bundled notes), our own
# paraphrases of the bundled notes, queries over the two real note files in ../shared, two pairs
# of sets written blind (by teammates who read the notes but not the code or the glossary),
# and multi-turn conversations (tests/eval/multi-turn.jsonl, with and without context).
# Usage: tests/eval/run.sh [build/qabot]   (prints one RESULT line per set; -v lists misses)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build/qabot}
verbose=${VERBOSE:+-v}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" index data --db "$tmp/seed.db" -q
real=../shared/fixtures/real-notes
"$bin" index "$real/data-science-interviews-technical.md" "$real/deeplearning-500-questions-ch04.md" --db "$tmp/real.db" -q
run() { printf '%-22s ' "$1"; python3 ../shared/eval/run_eval.py "$2" $verbose -- "$bin" ask --db "$3" --json --top-k 10 | grep -E "MISS|RESULT"; }
run dev ../shared/eval/dev-queries.jsonl "$tmp/seed.db"
run seed-paraphrases tests/eval/seed-paraphrases.jsonl "$tmp/seed.db"
run real-notes tests/eval/real-notes-queries.jsonl "$tmp/real.db"
run seed-blind tests/eval/seed-blind.jsonl "$tmp/seed.db"
run real-notes-blind tests/eval/real-notes-blind.jsonl "$tmp/real.db"
run seed-blind-2 tests/eval/seed-blind-2.jsonl "$tmp/seed.db"
run real-notes-blind-2 tests/eval/real-notes-blind-2.jsonl "$tmp/real.db"
python3 tests/eval/multi_turn.py "$bin" ${VERBOSE:+-v}
