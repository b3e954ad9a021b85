#!/usr/bin/env bash
# Builds everything: the native server, extension and tests (build/native),
# and the WebAssembly app (build/wasm, assembled into build/www).
# Incremental: only what changed is rebuilt; SQLite and ImGui are cached.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs
[ -f build/native/build.ninja ] || cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native
[ -f build/wasm/build.ninja ] || emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm
