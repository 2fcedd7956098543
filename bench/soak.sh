#!/usr/bin/env bash
# Soak: a long stream of questions that never repeat, against a real collection, while the server's
# anonymous memory is sampled (issue 22). A server that answers a study group for a month must not
# grow: every cache and store has a bound (docs/architecture.md, "Memory bounds"), and this checks
# that they hold under the traffic that fills them — new terms, new typos, new conversations.
#
# The questions come from the bank's own vocabulary (bench/varied_queries.py): ASKS distinct lines,
# asked once each (loadgen spreads its connections evenly over them). Pass = after the first
# WARMUP_ASKS asks the anonymous memory grows by less than ANON_LIMIT_MB in total, no errors on
# either side, and the server is alive at the end and exits 0 on SIGTERM. Not part of ctest.
#
#   bench/soak.sh                                   1,000,000 asks, 32 connections, JavaGuide (the recorded run)
#   ASKS=200000 WARMUP_ASKS=50000 bench/soak.sh     a quick check
#   CONNS=500 RECONNECT_AFTER=20 PACE_MS=20 STREAM=1 bench/soak.sh   with churn and streamed answers
#   NOTES=data bench/soak.sh                         over the bundled notes
#   BIN=/tmp/old/qabot PLOT=docs/before.png bench/soak.sh   another binary
#
# Results in $OUT: mem.dat (seconds, RSS KB, anonymous KB, open connections, asks, server errors),
# caches.txt (the qabot_cache_* series at the end), loadgen.json, server.log, summary.txt; and a plot
# ($PLOT, anonymous memory against asks) when gnuplot is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

default_notes=../shared/fixtures/javaguide/docs
[[ -d $default_notes ]] || default_notes=data
NOTES=${NOTES:-$default_notes}
ASKS=${ASKS:-1000000}
WARMUP_ASKS=${WARMUP_ASKS:-100000}
ANON_LIMIT_MB=${ANON_LIMIT_MB:-5}
CONNS=${CONNS:-32}
SAMPLE=${SAMPLE:-5}
RECONNECT_AFTER=${RECONNECT_AFTER:-0}
PACE_MS=${PACE_MS:-0}
STREAM=${STREAM:-0}
PORT=${PORT:-18090}
SEED=${SEED:-1}
OUT=${OUT:-build/bench/soak}
PLOT=${PLOT:-docs/bench-soak-memory.png}
TITLE=${TITLE:-}

# BIN: another qabot binary (e.g. an earlier build, for a before/after pair).
if [[ -z ${BIN:-} ]]; then
  cmake --build build --target qabot loadgen -j2 >/dev/null
else
  cmake --build build --target loadgen -j2 >/dev/null
fi
bin=${BIN:-build/qabot}
lg=build/bench/loadgen
mkdir -p "$OUT"
work=$(mktemp -d)
server=""
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

"$bin" index "$NOTES" --db "$work/qabot.db" -q 2>/dev/null || true
[[ -f $work/qabot.db ]] || { echo "soak: could not index $NOTES" >&2; exit 1; }
/usr/bin/python3 bench/varied_queries.py --db "$work/qabot.db" --count "$ASKS" --seed "$SEED" >"$work/queries.txt"
# No per-connection rate limit and no gaps log: the soak is about memory under a closed loop, not
# about the limiter (the hostile battery covers it) or the state store's disk.
"$bin" serve --db "$work/qabot.db" --port "$PORT" --rate-limit 0 --pace-ms "$PACE_MS" --log-level warn \
  --no-gaps-log >"$work/stdout" 2>"$OUT/server.log" &
server=$!
for _ in $(seq 1 500); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  sleep 0.02
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { echo "server did not start" >&2; exit 1; }

memory_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
metric() {  # name → value summed over its label sets
  curl -sf "http://127.0.0.1:$PORT/metrics" | awk -v n="$1" '$1 == n || index($1, n "{") == 1 {s += $2} END {print s + 0}'
}

stream_flag=()
((STREAM)) && stream_flag=(--stream)
echo "soak: $ASKS distinct asks from $NOTES over $CONNS connections, server pid $server" >&2
"$lg" --port "$PORT" --queries "$work/queries.txt" --connections "$CONNS" --concurrency 1 "${stream_flag[@]}" \
  --count "$ASKS" --duration 0 --warmup 0 --reconnect-after "$RECONNECT_AFTER" --connect-timeout 120 \
  --server-pid "$server" --json >"$OUT/loadgen.json" 2>"$OUT/loadgen.err" &
loadgen=$!

start=$(date +%s.%N)
: >"$OUT/mem.dat"
sample() {
  printf '%.1f %s %s %s %s %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$(memory_kb "$server" Rss)" \
    "$(memory_kb "$server" Anonymous)" "$(metric qabot_connections)" "$(metric qabot_asks_total)" \
    "$(metric qabot_errors_total)" >>"$OUT/mem.dat"
}
while kill -0 "$loadgen" 2>/dev/null; do
  sample
  sleep "$SAMPLE"
done
wait "$loadgen" || true
sample  # the final counts, after the last ask
curl -sf "http://127.0.0.1:$PORT/metrics" | grep '^qabot_cache_' >"$OUT/caches.txt" || true

alive=1
kill -0 "$server" 2>/dev/null || alive=0
health=$(curl -sf "http://127.0.0.1:$PORT/healthz" || echo "no answer")
kill -TERM "$server"
exit_code=0
wait "$server" || exit_code=$?
server=""

set +e  # a failed check must still leave its plot
/usr/bin/python3 - "$OUT" "$WARMUP_ASKS" "$ANON_LIMIT_MB" "$alive" "$exit_code" "$health" <<'EOF' | tee "$OUT/summary.txt"
import json, sys
out, warmup, limit_mb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
alive, exit_code, health = sys.argv[4] == "1", int(sys.argv[5]), sys.argv[6]
rows = [line.split() for line in open(out + "/mem.dat") if line.strip()]
samples = [(float(r[0]), int(r[1]), int(r[2]), int(float(r[4]))) for r in rows if r[1] != "0" and len(r) >= 6]
after = [(asks, anon) for t, rss, anon, asks in samples if asks >= warmup]
lg = json.load(open(out + "/loadgen.json"))
server_errors = int(float(rows[-1][5])) if rows and len(rows[-1]) > 5 else 0
errors = sum(lg.get("errors", {}).values()) + server_errors
first = after[0][1] if after else 0
growth_kb = (after[-1][1] - first) if after else float("inf")
peak_kb = (max(a for _, a in after) - first) if after else float("inf")
ok = bool(after) and growth_kb < limit_mb * 1024 and errors == 0 and alive and exit_code == 0
print("asks %d in %.0f s (%.0f/s) over %d/%d connections, errors %d %s" % (
    lg.get("asks", 0), lg.get("window_s", 0), lg.get("asks_per_s", 0), lg.get("connected", 0),
    lg.get("connections", 0), errors, json.dumps(dict(lg.get("errors", {}), server=server_errors))))
if samples:
    print("anonymous KB: start %d, at %d asks %d, end %d (%d asks); after the first %d asks: %+d KB at the end, "
          "%+d KB at most (limit %d KB)" % (samples[0][2], after[0][0] if after else 0, first, samples[-1][2],
                                            samples[-1][3], warmup, growth_kb, peak_kb, limit_mb * 1024))
    print("RSS KB: start %d, end %d" % (samples[0][1], samples[-1][1]))
print("server alive at the end: %s, /healthz: %s, exit code on SIGTERM: %d" % (alive, health, exit_code))
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
EOF
status=${PIPESTATUS[0]}
set -e
cat "$OUT/caches.txt"
if command -v gnuplot >/dev/null; then
  gnuplot -e "set terminal pngcairo size 800,400 font ',10'; set output '$PLOT'; set grid;
    set title 'qabot serve memory, ${ASKS} distinct asks ($CONNS connections)${TITLE:+ — $TITLE}';
    set xlabel 'asks (thousands)'; set ylabel 'MB'; set yrange [0:*]; set key bottom right;
    set arrow from $WARMUP_ASKS/1000.0, graph 0 to $WARMUP_ASKS/1000.0, graph 1 nohead dt 2;
    plot '$OUT/mem.dat' using (\$5/1000):(\$3/1024) with lines title 'anonymous',
         '' using (\$5/1000):(\$2/1024) with lines title 'RSS'"
fi
exit "$status"
