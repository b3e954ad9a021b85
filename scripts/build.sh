#!/usr/bin/env bash
# Builds everything: the native server, extension and tests (build/native),
# and the WebAssembly app (build/wasm, assembled into build/www).
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
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATELIER_SANITIZE=ON >/dev/null
  cmake --build build/asan --target unit_tests atelier_ext \
    fuzz_sync_bundle fuzz_estimate fuzz_render fuzz_money fuzz_brief_form fuzz_intake fuzz_bank
  exit 0
fi
[ -f build/native/build.ninja ] || cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native
[ -f build/wasm/build.ninja ] || emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm
