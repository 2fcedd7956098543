#!/usr/bin/env bash
# Retrieval benchmarks in one go: index build time and in-process ask latency on the bundled bank
# and on generated banks, plus the retrieval-quality sets. Results go to stdout as a markdown table.
#   bench/run_retrieval.sh [SIZES...]     default sizes: 1000 10000 100000 (add 1000000 for the 1M row)
# Needs a build with benchmarks (scripts/build.sh builds them). Work files live in a temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000 100000}")
read -r -a sizes <<<"${sizes[*]}"
bin=build/qabot
gen=build/bench/generate_bank
lat=build/bench/ask_latency
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plots=build/bench/retrieval
mkdir -p "$plots"
: >"$plots/scale.dat"  # questions, index seconds, ask p50 µs, ask p99 µs: bench/retrieval_plots.gp draws it

row() {  # name db queries markdown_bytes index_seconds
  local out p50 p99 mean
  out=$("$lat" --db "$2" --queries "$3" --synonyms data/synonyms.txt --benchmark_format=json 2>/dev/null)
  read -r p50 p99 mean < <(python3 -c 'import json,sys; b=json.load(sys.stdin)["benchmarks"][0]; print("%.0f %.0f %.0f" % (b["p50_us"], b["p99_us"], b["real_time"]))' <<<"$out")
  local mbs
  mbs=$(python3 -c "print(f'{$4/1e6/$5:.1f}')")
  echo "| $1 | $(python3 -c "print(f'{$4/1e6:.1f}')") MB | $5 s | $mbs MB/s | $p50 | $p99 | $mean |"
  if [[ -n "${6:-}" ]]; then echo "$6 $5 $p50 $p99" >>"$plots/scale.dat"; fi
}

timed_index() {  # prints seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" index "$1" --db "$2" -q
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1-$t0:.2f}')"
}

echo "| bank | markdown | index build | index speed | ask p50 µs | ask p99 µs | ask mean µs |"
echo "|---|---|---|---|---|---|---|"
python3 -c 'import json
for l in open("../shared/eval/dev-queries.jsonl"): print(json.loads(l)["q"])' >"$work/dev.txt" 2>/dev/null ||
  printf 'BN有什么作用\n过拟合怎么办\nwhat does batchnorm do\n' >"$work/dev.txt"
secs=$(timed_index data "$work/seed.db")
row "bundled (24 q)" "$work/seed.db" "$work/dev.txt" "$(du -cb data/*.md | tail -1 | cut -f1)" "$secs"
for n in "${sizes[@]}"; do
  "$gen" --questions "$n" --out "$work/bank$n"
  "$gen" --queries 3000 --seed 7 --bank-size "$n" >"$work/q$n.txt"
  secs=$(timed_index "$work/bank$n" "$work/b$n.db")
  row "generated $n" "$work/b$n.db" "$work/q$n.txt" "$(du -cb "$work/bank$n" | tail -1 | cut -f1)" "$secs" "$n"
  rm -rf "$work/b$n.db" "$work/bank$n"
done
if command -v gnuplot >/dev/null && [[ $(wc -l <"$plots/scale.dat") -gt 1 ]]; then
  gnuplot -e "dat='$plots/scale.dat'; out='$plots/scale.png'" bench/retrieval_plots.gp
  echo "curves: $plots/scale.png"
fi
echo
echo "Retrieval quality (tests/eval/run.sh):"
tests/eval/run.sh "$bin"
