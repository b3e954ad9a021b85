#!/usr/bin/env bash
# Runs every tests/sql/*.sql through the stock sqlite3 shell with atelier.so
# loaded, and compares what it prints (stdout and errors) with the .expected
# file beside it. A difference is shown as a diff.
#   tests/sql/run.sh build/native/atelier.so
set -u
ext=${1:?usage: run.sh PATH/TO/atelier.so}
ext=$(cd "$(dirname "$ext")" && pwd)/$(basename "${ext%.so}")
here=$(cd "$(dirname "$0")" && pwd)
out_dir=${SQL_TEST_OUT:-$(mktemp -d)}
out_dir=$(mkdir -p "$out_dir" && cd "$out_dir" && pwd)
pass=0 fail=0
for sql in "$here"/*.sql; do
  name=$(basename "$sql" .sql)
  expected="$here/$name.expected"
  actual="$out_dir/$name.actual"
  (cd "$out_dir" && rm -f test.db && sqlite3 -batch -cmd ".load $ext" test.db < "$sql" > "$actual" 2>&1)
  if diff -u "$expected" "$actual" > "$out_dir/$name.diff"; then
    echo "ok   sql/$name"; pass=$((pass + 1))
  else
    echo "FAIL sql/$name"; cat "$out_dir/$name.diff"; fail=$((fail + 1))
  fi
done
echo "sql: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
