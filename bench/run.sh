#!/usr/bin/env bash
# Server throughput and the transport's ceiling (issue 7), in one go, on loopback:
#   - loadgen against bench/echo_server and `qabot serve` with the same frames and connection counts
#     (stream:false and stream:true), the ratio qabot/echo;
#   - latency against offered rate (open loop) at fractions of qabot's peak;
#   - wrk on GET /healthz against POST /api/ask;
#   - 10,000 idle WebSocket connections and the server's RSS;
#   - a generated 100k bank: index build time, start-up to serving, throughput.
# Results: $OUT/results.md (tables), $OUT/runs.jsonl (raw), curves in docs/bench-server-*.png.
#
#   bench/run.sh                      everything (~5 min on 2 cores)
#   QUICK=1 bench/run.sh              fewer points, no 100k bank
#   CONNS="16 64" DUR=5 IDLE_N=10000 WITH_100K=0 PORT=18080 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DUR=${DUR:-3}
CONNS=${CONNS:-"1 4 16 64 256"}
IDLE_N=${IDLE_N:-10000}
WITH_100K=${WITH_100K:-1}
PORT=${PORT:-18080}
ECHO_PORT=$((PORT + 1))
OUT=${OUT:-build/bench/server}
if [[ -n "${QUICK:-}" ]]; then CONNS="16 64"; WITH_100K=0; DUR=2; fi

# Tools from Debian, installed when missing (needs root and the package lists).
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
if ((${#missing[@]})); then
  echo "installing ${missing[*]}" >&2
  apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

cmake --build build --target qabot loadgen echo_server generate_bank -j2 >/dev/null
bin=build/qabot
lg=build/bench/loadgen
gen=build/bench/generate_bank
mkdir -p "$OUT"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
: >"$OUT/runs.jsonl"

wait_http() {  # port
  for _ in $(seq 1 500); do
    curl -sf -o /dev/null "http://127.0.0.1:$1/healthz" && return 0
    sleep 0.02
  done
  echo "server on port $1 did not come up" >&2
  return 1
}
start_qabot() {  # db
  timeout 900 "$bin" serve --db "$1" --port "$PORT" --rate-limit 0 --pace-ms 0 --max-connections 20000 \
    --log-level error >"$work/qabot.log" 2>&1 &
  qpid=$!
  pids+=("$qpid")
  wait_http "$PORT"
  spid=$(pgrep -P "$qpid" || echo "$qpid")  # timeout is the parent: measure the server itself
}
stop_qabot() { kill "$qpid" 2>/dev/null || true; wait "$qpid" 2>/dev/null || true; }
record() {  # tag json
  echo "{\"tag\":\"$1\",\"r\":$2}" >>"$OUT/runs.jsonl"
}
run_lg() {  # tag port pid args...
  local tag=$1 port=$2 pid=$3
  shift 3
  local out
  out=$(timeout 120 "$lg" --port "$port" --server-pid "$pid" --json "$@") || { echo "loadgen failed: $tag" >&2; return 0; }
  record "$tag" "$out"
  python3 -c 'import json,sys; r=json.loads(sys.argv[2]); c=r["complete"]; print("  %-22s %9.0f/s  p50 %6d µs  p99 %6d µs  errors %s" % (sys.argv[1], r["asks_per_s"], c["p50_us"], c["p99_us"], r["errors"]))' "$tag" "$out" >&2
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" >&2
"$bin" index data --db "$work/seed.db" -q
"$gen" --queries 5000 --seed 7 --bank-size 24 >"$work/q.txt"

# 1. echo against qabot, same frames, same connection counts.
timeout 900 build/bench/echo_server --port "$ECHO_PORT" >/dev/null &
epid=$!
pids+=("$epid")
wait_http "$ECHO_PORT"
epid=$(pgrep -P "$epid" || echo "$epid")
start_qabot "$work/seed.db"
echo "loadgen, ${DUR} s per point, 1 ask outstanding per connection:" >&2
for c in $CONNS; do
  run_lg "echo c=$c" "$ECHO_PORT" "$epid" --echo --queries "$work/q.txt" -c "$c" -d "$DUR"
  run_lg "qabot c=$c" "$PORT" "$spid" --queries "$work/q.txt" -c "$c" -d "$DUR"
  run_lg "qabot stream c=$c" "$PORT" "$spid" --queries "$work/q.txt" -c "$c" -d "$DUR" --stream
done
# Echo with frames padded to the size of qabot's replies (result + done), at 16 connections.
pad=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    j=json.loads(l)
    if j["tag"]=="qabot c=16": print(max(0,int(j["r"]["reply_bytes_per_ask"]-j["r"]["request_bytes"])))' "$OUT/runs.jsonl" | head -1)
run_lg "echo padded c=16" "$ECHO_PORT" "$epid" --echo --queries "$work/q.txt" -c 16 -d "$DUR" --pad "${pad:-900}"

# 2. latency against offered load (open loop) at 16 connections.
peak=$(python3 -c 'import json,sys
print(int(max([json.loads(l)["r"]["asks_per_s"] for l in open(sys.argv[1]) if json.loads(l)["tag"].startswith("qabot c=")] or [1000])))' "$OUT/runs.jsonl")
echo "open loop at 16 connections (qabot peak ${peak}/s):" >&2
for f in 0.1 0.25 0.5 0.75 0.9; do
  rate=$(python3 -c "print(int($peak*$f))")
  run_lg "qabot rate=$f" "$PORT" "$spid" --queries "$work/q.txt" -c 16 -d "$DUR" --rate "$rate"
done

# 3. wrk: HTTP GET /healthz against POST /api/ask.
echo "wrk, 1 thread, 16 connections:" >&2
wrk_json() {  # tag args...
  local tag=$1
  shift
  local txt
  txt=$(timeout 60 wrk -t1 -c16 -d"${DUR}s" --latency "$@" 2>&1)
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$txt")
  p50=$(awk '$1=="50%" {print $2}' <<<"$txt")
  p99=$(awk '$1=="99%" {print $2}' <<<"$txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$txt")
  record "$tag" "{\"rps\":${rps:-0},\"p50\":\"$p50\",\"p99\":\"$p99\",\"non2xx\":${non2xx:-0}}"
  echo "  $tag: $rps req/s p50 $p50 p99 $p99 non-2xx ${non2xx:-0}" >&2
}
wrk_json "wrk healthz" "http://127.0.0.1:$PORT/healthz"
wrk_json "wrk api_ask" -s bench/api_ask.lua "http://127.0.0.1:$PORT" -- "$work/q.txt"
stop_qabot

# 4. Idle connections on a fresh server: RSS before and after.
echo "idle connections ($IDLE_N):" >&2
start_qabot "$work/seed.db"
sleep 0.3
out=$(timeout 120 "$lg" --port "$PORT" --idle -c "$IDLE_N" -d 1 --server-pid "$spid" --json) && record "idle qabot" "$out" && echo "  qabot: $out" >&2
stop_qabot
out=$(timeout 120 "$lg" --port "$ECHO_PORT" --idle -c "$IDLE_N" -d 1 --server-pid "$epid" --json) && record "idle echo" "$out" && echo "  echo: $out" >&2

# 5. 100k questions: build time, start-up to serving, throughput.
if [[ "$WITH_100K" == 1 ]]; then
  echo "100k bank:" >&2
  "$gen" --questions 100000 --out "$work/bank100k" >/dev/null
  "$gen" --queries 5000 --seed 7 --bank-size 100000 >"$work/q100k.txt"
  rm -f "$OUT/b100k.db"  # a fresh build, not an incremental one
  t0=$(date +%s.%N)
  timeout 300 "$bin" index "$work/bank100k" --db "$OUT/b100k.db" -q
  t1=$(date +%s.%N)
  record "index 100k" "{\"seconds\":$(python3 -c "print(round($t1-$t0,2))"),\"db_bytes\":$(stat -c %s "$OUT/b100k.db")}"
  echo "  index build: $(python3 -c "print(round($t1-$t0,2))") s" >&2
  for i in 1 2 3; do
    out=$(timeout 60 "$lg" --port "$PORT" --json --startup -- "$bin" serve --db "$OUT/b100k.db" --port "$PORT" \
      --log-level error) && record "startup 100k" "$out" && echo "  start-up: $out" >&2
  done
  out=$(timeout 60 "$lg" --port "$PORT" --json --startup -- "$bin" serve --db "$work/seed.db" --port "$PORT" \
    --log-level error) && record "startup seed" "$out"
  start_qabot "$OUT/b100k.db"
  run_lg "qabot100k c=16" "$PORT" "$spid" --queries "$work/q100k.txt" -c 16 -d "$DUR"
  run_lg "qabot100k c=64" "$PORT" "$spid" --queries "$work/q100k.txt" -c 64 -d "$DUR"
  stop_qabot
fi

python3 bench/server_report.py "$OUT/runs.jsonl" "$OUT" | tee "$OUT/results.md"
if command -v gnuplot >/dev/null; then
  gnuplot -e "dir='$OUT'" bench/server_plots.gp && echo "curves: docs/bench-server-*.png" >&2
fi
