#!/usr/bin/env bash
# Builds everything: the native server, extension and tests (build/native),
# and the WebAssembly app (build/wasm, assembled into build/www), side by side.
# Incremental: only what changed is rebuilt; SQLite and ImGui are cached.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs
# --sanitize: the sanitizer build only (build/asan, clang-14): the unit tests,
# the extension and the fuzz targets, with AddressSanitizer and UBSan.
if [ "${1:-}" = "--sanitize" ]; then
  [ -f build/asan/build.ninja ] || CC=clang-14 CXX=clang++-14 cmake -S . -B build/asan -G Ninja \
    -DCMAKE_BUILD_TYPE=Sanitize -DATELIER_SANITIZE=ON >/dev/null
  cmake --build build/asan --target unit_tests atelier_ext \
    fuzz_sync_bundle fuzz_estimate fuzz_render fuzz_money fuzz_brief_form fuzz_intake fuzz_bank
  exit 0
fi
# The native and the WebAssembly builds run side by side: each ends in long
# single-threaded links, which the other's compiles fill.
native() {
  [ -f build/native/build.ninja ] || cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/native -j 2
}
wasm() {
  [ -f build/wasm/build.ninja ] || emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/wasm -j 2
}
native > build/build-native.log 2>&1 &
native_pid=$!
wasm > build/build-wasm.log 2>&1 &
wasm_pid=$!
rc_native=0 rc_wasm=0
wait $native_pid || rc_native=$?
wait $wasm_pid || rc_wasm=$?
cat build/build-native.log build/build-wasm.log
[ $rc_native -eq 0 ] || { echo "native build failed"; exit 1; }
[ $rc_wasm -eq 0 ] || { echo "WebAssembly build failed"; exit 1; }
