#!/usr/bin/env bash
# Runs the libFuzzer targets of the sanitizer build (build/asan/fuzz) for a
# bounded time each, from the checked-in seeds (corpus/<target>), after
# replaying every saved regression input (regressions/<target>). Inputs the
# fuzzer finds go to build/fuzz-corpus/<target>; a crash leaves its input in
# build/test-artifacts/fuzz/ and fails the run.
#
#   tests/fuzz/run.sh [SECONDS_EACH] [TARGET...]      default: 30 s, every target
#   ATELIER_FUZZ_JOBS=2                                targets run side by side
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(sync_bundle estimate render money brief_form intake bank)
jobs=${ATELIER_FUZZ_JOBS:-2}
bin="$top/build/asan/fuzz"
art="$top/build/test-artifacts/fuzz"
mkdir -p "$art"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local t=$1 work="$top/build/fuzz-corpus/$1" log="$art/$1.log"
  mkdir -p "$work"
  {
    if [ -d "$here/regressions/$t" ] && [ -n "$(ls -A "$here/regressions/$t")" ]; then
      echo "# regressions"
      "$bin/fuzz_$t" -rss_limit_mb=2048 "$here/regressions/$t"/* || exit 1
    fi
    echo "# fuzzing for $seconds s"
    "$bin/fuzz_$t" -max_total_time="$seconds" -max_len=262144 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$art/$t-" "$work" "$here/corpus/$t"
  } > "$log" 2>&1
}

pass=0 fail=0
pids=() names=()
flush() {
  for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
      pass=$((pass + 1))
      echo "ok   fuzz_${names[$i]}: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$art/${names[$i]}.log" | grep -o '[0-9]*$') runs"
    else
      fail=$((fail + 1))
      echo "FAIL fuzz_${names[$i]}: see $art/${names[$i]}.log"
      tail -40 "$art/${names[$i]}.log"
    fi
  done
  pids=() names=()
}
for t in "${targets[@]}"; do
  if [ ! -x "$bin/fuzz_$t" ]; then
    echo "FAIL fuzz_$t: not built ($bin/fuzz_$t)"
    fail=$((fail + 1))
    continue
  fi
  run_one "$t" &
  pids+=($!) names+=("$t")
  [ ${#pids[@]} -ge "$jobs" ] && flush
done
flush
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
