#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, QABOT_FUZZ=ON, in build-fuzz/) and runs each one for a bounded
# time, starting from its seed corpus in tests/fuzz/corpus/<target>/ (regression inputs included, so
# every crash ever found is replayed first). Fails when any target crashes, leaks, times out or runs
# out of memory; prints executions per target.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]      default: 60 s for each of analyzer markdown protocol
#                                                query_builder http_router
#   QABOT_FUZZ_JOBS=N   targets run side by side (default: nproc, at most 2)
#
# New interesting inputs go to build-fuzz/fuzz/corpus/<target>/ (kept between runs, not committed);
# a crashing input is written to build-fuzz/fuzz/artifacts/ — see docs/testing.md for reproducing it.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-60}
shift || true
all=(analyzer markdown protocol query_builder http_router)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
build=build-fuzz
jobs=${QABOT_FUZZ_JOBS:-$(($(nproc) < 2 ? $(nproc) : 2))}

if [[ ! -f $build/CMakeCache.txt ]]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S . -B $build -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DQABOT_FUZZ=ON -DQABOT_BUILD_TESTS=OFF -DQABOT_BUILD_BENCH=OFF -DBUILD_TESTING=OFF "${launcher[@]}" >/dev/null
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "fuzz_$t"); done
cmake --build $build -j"$(nproc)" "${build_targets[@]}"

# Leaks and UB are failures too; abort so libFuzzer records the input as a crash.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

out=$build/fuzz
mkdir -p "$out/artifacts" "$out/logs"
run_one() {
  local t=$1
  mkdir -p "$out/corpus/$t"
  # The first corpus directory is written to; the seeds are only read.
  "$out/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" \
    "$out/corpus/$t" "tests/fuzz/corpus/$t" >"$out/logs/$t.log" 2>&1
}

declare -A status
pids=()
names=()
for t in "${targets[@]}"; do
  [[ -d tests/fuzz/corpus/$t ]] || { echo "no such fuzz target: $t" >&2; exit 2; }
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  run_one "$t" &
  pids+=($!)
  names+=("$t")
done
for i in "${!pids[@]}"; do
  if wait "${pids[$i]}"; then status[${names[$i]}]=ok; else status[${names[$i]}]=FAILED; fi
done

failed=0
printf '%-15s %-7s %12s %10s %8s\n' target result executions exec/s corpus
for t in "${targets[@]}"; do
  log=$out/logs/$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corpus=$(find "$out/corpus/$t" -type f | wc -l)
  printf '%-15s %-7s %12s %10s %8s\n' "$t" "${status[$t]}" "${execs:-?}" "${rate:-?}" "$corpus"
  if [[ ${status[$t]} != ok ]]; then
    failed=1
    echo "---- $t: $log (last 40 lines) ----" >&2
    tail -40 "$log" >&2
  fi
done
exit $failed
