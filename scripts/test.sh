#!/usr/bin/env bash
# Installs, builds and runs the whole test suite: unit (doctest), SQL through
# the sqlite3 shell, Python's sqlite3 module, HTTP against a real server, and
# the app in headless Chromium. Logs and screenshots: build/test-artifacts/.
# Exits non-zero on any failure; the last lines give each suite's time and
# sum up all the suites.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
started=$(date +%s)
if ! bash scripts/build.sh; then
  echo "build failed"
  echo "total: 0 passed, 1 failed"
  exit 1
fi
art=build/test-artifacts
mkdir -p "$art"
total_pass=0 total_fail=0
times="build $(( $(date +%s) - started )) s"

# The sanitizer build (clang-14, build/asan) compiles while the first suites
# run, at a lower priority: its suites come last.
( nice -n 15 bash scripts/build.sh --sanitize > "$art/build-asan.log" 2>&1; echo $? > "$art/build-asan.rc" ) &
asan_build=$!

# suite NAME PASS_REGEX FAIL_REGEX -- COMMAND...: runs it into its log and
# writes NAME's counts, read from its own summary line, and seconds to
# $art/NAME.result. report NAME prints the log and the counts and adds them.
suite() {
  local name=$1 pass_re=$2 fail_re=$3
  shift 4
  local t0=$(date +%s)
  "$@" > "$art/$name.log" 2>&1
  local rc=$?
  local p f
  p=$(grep -oP "$pass_re" "$art/$name.log" | tail -1)
  f=$(grep -oP "$fail_re" "$art/$name.log" | tail -1)
  p=${p:-0}
  f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # crashed or failed without counting
  echo "$p $f $rc $(( $(date +%s) - t0 ))" > "$art/$name.result"
}
report() {
  local name=$1 p=0 f=1 rc=? secs=0
  [ -f "$art/$name.result" ] && read -r p f rc secs < "$art/$name.result"
  echo "== $name"
  cat "$art/$name.log"
  echo "-- $name: $p passed, $f failed (exit $rc)"
  times="$times, $name $secs s"
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
}
rm -f "$art"/*.result

doctest_counts=('\d+(?= passed \| \d+ failed \| \d+ skipped)' '\d+(?= failed \| \d+ skipped)')
node_counts=('(?<=^# pass )\d+' '(?<=^# fail )\d+')

# The unit tests use one core; the SQL, Python and HTTP suites beside them
# mostly wait on their processes and the network.
t0=$(date +%s)
suite unit "${doctest_counts[@]}" -- build/native/unit_tests &
first=$!
{
  suite sql '\d+(?= passed)' '\d+(?= failed)' -- env SQL_TEST_OUT="$art/sql" tests/sql/run.sh build/native/atelier.so
  suite python '\d+(?= passed)' '\d+(?= failed)' -- /usr/bin/python3 tests/python/test_extension.py build/native/atelier.so
  suite http "${node_counts[@]}" -- node --test --test-timeout=120000 tests/http/
} &
wait $first $!
for s in unit sql python http; do report $s; done
times="$times (side by side: $(( $(date +%s) - t0 )) s)"
suite browser "${node_counts[@]}" -- node --test --test-concurrency=1 --test-timeout=600000 tests/browser/
report browser

# The same unit and SQL tests under AddressSanitizer and UBSan (clang-14, its
# own build folder), then the fuzz targets for a bounded time each. The unit
# tests run as two processes side by side: the three longest cases (a year
# of automation, the demo's story three times, the report paths rebuilt) in
# one, the others in the other.
t0=$(date +%s)
wait $asan_build
times="$times, waiting for the sanitizer build $(( $(date +%s) - t0 )) s"
if [ "$(cat "$art/build-asan.rc" 2>/dev/null)" = 0 ]; then
  asan_rt=$(clang-14 -print-file-name=libclang_rt.asan-x86_64.so)
  long='automation: a simulated year*,demo history: the same story*,reports: the paths the triggers keep*'
  t0=$(date +%s)
  suite unit-asan "${doctest_counts[@]}" -- \
    env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 build/asan/unit_tests -tce="$long" &
  first=$!
  suite unit-asan-long "${doctest_counts[@]}" -- \
    env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 build/asan/unit_tests -tc="$long" &
  wait $first $!
  report unit-asan
  report unit-asan-long
  times="$times (side by side: $(( $(date +%s) - t0 )) s)"
  # The stock sqlite3 shell is not instrumented: the runtime is preloaded, and
  # leaks are not counted (the shell's own allocations would be).
  suite sql-asan '\d+(?= passed)' '\d+(?= failed)' -- \
    env LD_PRELOAD="$asan_rt" ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
    SQL_TEST_OUT="$art/sql-asan" tests/sql/run.sh build/asan/atelier.so
  report sql-asan
  suite fuzz '\d+(?= passed)' '\d+(?= failed)' -- tests/fuzz/run.sh "${ATELIER_FUZZ_SECONDS:-20}"
  report fuzz
else
  tail -30 "$art/build-asan.log"
  echo "-- sanitizer build failed"
  total_fail=$((total_fail + 1))
fi

echo
echo "time: $times; all $(( $(date +%s) - started )) s"
echo "total: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
