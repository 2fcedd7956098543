#!/usr/bin/env bash
# Work per ask counted in instructions (callgrind), which neighbours on a shared machine cannot
# disturb the way they disturb timings: compare two builds when a change is worth 10-20 %.
#   - retrieval only: `qabot ask --json` over generated queries, counting inside Retriever::search
#     (first-time queries, so document-frequency lookups are cold, as with real users);
#   - the whole server: `qabot serve` on the bundled bank, warmed by loadgen, then counted over a
#     loadgen window at 1 and 16 connections; user-space instructions / asks completed.
#
#   bench/instructions.sh                       build/qabot
#   bench/instructions.sh OLD_QABOT build/qabot  both, same banks and queries (e.g. a copy of an
#                                                older build's qabot)
# Needs valgrind (installed from Debian when missing). About 2 minutes per binary.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18180}
binaries=("$@")
((${#binaries[@]})) || binaries=(build/qabot)

if ! command -v valgrind >/dev/null; then
  echo "installing valgrind" >&2
  apt-get install -y -q valgrind >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q valgrind >/dev/null; }
fi
cmake --build build --target qabot loadgen generate_bank -j2 >/dev/null
lg=build/bench/loadgen
gen=build/bench/generate_bank

work=$(mktemp -d)
server=""
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"${binaries[0]}" index data --db "$work/bundled.db" -q
"$gen" --questions 1000 --out "$work/g1k" >/dev/null
"${binaries[0]}" index "$work/g1k" --db "$work/g1k.db" -q
"$gen" --queries 1000 --seed 7 --bank-size 24 >"$work/q-bundled.txt"
"$gen" --queries 500 --seed 7 --bank-size 1000 >"$work/q-1k.txt"
"$gen" --queries 5000 --seed 7 --bank-size 24 >"$work/q-server.txt"

collected() {  # valgrind log → instructions collected
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$1" | tail -1
}

retrieval() {  # binary db queries
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" --log-file="$work/vg.log" \
    --toggle-collect='qabot::retrieval::Retriever::search*' "$1" ask --db "$2" --json <"$3" >/dev/null
  echo $(($(collected "$work/vg.log") / $(wc -l <"$3")))
}

server_per_ask() {  # binary connections
  rm -f "$work"/cgs.out*
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/cgs.out" --log-file="$work/vgs.log" \
    "$1" serve --db "$work/bundled.db" --port "$PORT" --rate-limit 0 --pace-ms 0 --log-level warn \
    --state "$work/state.db" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
  "$lg" --port "$PORT" --queries "$work/q-server.txt" -c 4 -d 6 >/dev/null  # warm: caches, the typo corrector
  callgrind_control -i on "$server" >/dev/null 2>&1
  local asks
  asks=$("$lg" --port "$PORT" --queries "$work/q-server.txt" -c "$2" -d 12 | sed -n 's/.*(\([0-9]*\) asks).*/\1/p')
  callgrind_control -i off "$server" >/dev/null 2>&1
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
  echo $(($(collected "$work/vgs.log") / asks))
}

echo "| binary | retrieval, bundled | retrieval, generated 1k | server, bundled, 1 connection | server, bundled, 16 connections |"
echo "|---|---|---|---|---|"
for b in "${binaries[@]}"; do
  echo "| $b | $(retrieval "$b" "$work/bundled.db" "$work/q-bundled.txt") | $(retrieval "$b" "$work/g1k.db" "$work/q-1k.txt") |" \
    "$(server_per_ask "$b" 1) | $(server_per_ask "$b" 16) |"
done
echo "(instructions per ask)"
