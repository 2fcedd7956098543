#!/usr/bin/env bash
# Soak (issue 8): many connections asking continuously for a long time, with connection churn,
# against `qabot serve` over the bundled notes; the server's RSS is sampled throughout.
#
# Pass = after the warm-up the RSS never rises more than 10% above its first post-warm-up sample,
# zero errors on the client side (refused handshakes, resets, error replies), and the server is
# still alive at the end and exits 0 on SIGTERM. Not part of ctest: it takes as long as you ask.
#
#   bench/soak.sh                                  500 connections, 10 minutes (the recorded run)
#   DUR=60 WARMUP=15 bench/soak.sh                 a quick check
#   CONNS=500 DUR=600 WARMUP=60 SAMPLE=5 RECONNECT_AFTER=20 PACE_MS=20 PORT=18090 bench/soak.sh
#
# Results in $OUT: rss.dat (seconds, RSS KB, open connections, asks and server errors so far),
# loadgen.json, server.log,
# summary.txt; and docs/bench-soak-rss.png when gnuplot is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-500}
DUR=${DUR:-600}
WARMUP=${WARMUP:-60}
SAMPLE=${SAMPLE:-5}
RECONNECT_AFTER=${RECONNECT_AFTER:-20}
PACE_MS=${PACE_MS:-20}
PORT=${PORT:-18090}
OUT=${OUT:-build/bench/soak}
PLOT=${PLOT:-docs/bench-soak-rss.png}

cmake --build build --target qabot loadgen -j2 >/dev/null
bin=build/qabot
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

"$bin" index data --db "$work/qabot.db" -q
# No per-connection rate limit: a closed-loop client asks as fast as it is answered, and the soak is
# about memory and stability under that, not about the limiter (the hostile battery covers it).
"$bin" serve --db "$work/qabot.db" --port "$PORT" --rate-limit 0 --pace-ms "$PACE_MS" --log-level warn \
  >"$work/stdout" 2>"$OUT/server.log" &
server=$!
for _ in $(seq 1 500); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  sleep 0.02
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { echo "server did not start" >&2; exit 1; }

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
metric() {  # name → value summed over its label sets
  curl -sf "http://127.0.0.1:$PORT/metrics" | awk -v n="$1" '$1 == n || index($1, n "{") == 1 {s += $2} END {print s + 0}'
}

echo "soak: $CONNS connections x $DUR s (warm-up $WARMUP s), reconnect every $RECONNECT_AFTER asks," \
  "pace $PACE_MS ms, server pid $server" >&2
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/load.txt"
"$lg" --port "$PORT" --connections "$CONNS" --concurrency 1 --stream --duration "$DUR" --warmup 5 \
  --reconnect-after "$RECONNECT_AFTER" --connect-timeout 120 --server-pid "$server" --json \
  >"$OUT/loadgen.json" 2>"$OUT/loadgen.err" &
loadgen=$!

start=$(date +%s.%N)
: >"$OUT/rss.dat"
sample() {
  printf '%.1f %s %s %s %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$(rss_kb "$server")" \
    "$(metric qabot_connections)" "$(metric qabot_asks_total)" "$(metric qabot_errors_total)" >>"$OUT/rss.dat"
}
while kill -0 "$loadgen" 2>/dev/null; do
  sample
  sleep "$SAMPLE"
done
wait "$loadgen" || true
sample  # the final error count, after the last ask
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"

alive=1
kill -0 "$server" 2>/dev/null || alive=0
health=$(curl -sf "http://127.0.0.1:$PORT/healthz" || echo "no answer")
kill -TERM "$server"
exit_code=0
wait "$server" || exit_code=$?
server=""

python3 - "$OUT" "$WARMUP" "$alive" "$exit_code" "$health" <<'EOF' | tee "$OUT/summary.txt"
import json, sys
out, warmup, alive, exit_code, health = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4]), sys.argv[5]
rows = [line.split() for line in open(out + "/rss.dat") if line.strip()]
samples = [(float(r[0]), int(r[1])) for r in rows if r[1] != "0"]
after = [rss for t, rss in samples if t >= warmup]
lg = json.load(open(out + "/loadgen.json"))
server_errors = int(rows[-1][4]) if rows and len(rows[-1]) > 4 else 0
errors = sum(lg.get("errors", {}).values()) + server_errors
first = after[0] if after else 0
peak = max(after) if after else 0
growth = (peak - first) / first * 100 if first else float("inf")
ok = bool(after) and growth <= 10 and errors == 0 and alive and exit_code == 0 and lg.get("connected") == lg.get("connections")
print("connections %d/%d, %d asks in %.0f s (%.0f/s), %d reconnects, errors %d %s" % (
    lg.get("connected", 0), lg.get("connections", 0), lg.get("asks", 0), lg.get("window_s", 0), lg.get("asks_per_s", 0),
    lg.get("reconnects", 0), errors, json.dumps(dict(lg.get("errors", {}), server=server_errors), ensure_ascii=False)))
print("complete latency ms: p50 %.1f p99 %.1f max %.1f" % (
    lg["complete"]["p50_us"] / 1000, lg["complete"]["p99_us"] / 1000, lg["complete"]["max_us"] / 1000))
if samples:
    print("server RSS KB: start %d, after warm-up %d, min %d, max %d, last %d (%d samples); growth after warm-up %+.1f%%" % (
        samples[0][1], first, min(after or [0]), peak, samples[-1][1], len(samples), growth))
print("server alive at the end: %s, /healthz: %s, exit code on SIGTERM: %d" % (alive, health, exit_code))
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
EOF
status=${PIPESTATUS[0]}
cat "$OUT/load.txt"
if command -v gnuplot >/dev/null; then
  gnuplot -e "set terminal pngcairo size 800,400 font ',10'; set output '$PLOT'; set grid;
    set title 'qabot serve RSS during the soak ($CONNS connections, churn every $RECONNECT_AFTER asks)';
    set xlabel 'seconds'; set ylabel 'RSS (MB)'; set yrange [0:*]; set key bottom right;
    set arrow from $WARMUP, graph 0 to $WARMUP, graph 1 nohead dt 2;
    plot '$OUT/rss.dat' using 1:(\$2/1024) with lines title 'RSS'"
fi
exit "$status"
