#!/usr/bin/env bash
# Installs everything Atelier needs to build and test, into the system (apt)
# and into ignored folders of this checkout (build/deps, tests/browser/node_modules).
# Incremental: a second run checks and returns without downloading anything.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/build/deps"
mkdir -p "$deps"

packages=(
  build-essential cmake ninja-build pkg-config dpkg-dev tcl
  sqlite3 libsqlite3-dev nlohmann-json3-dev doctest-dev
  libkainjow-mustache-dev libcpp-httplib-dev libsodium-dev libcurl4-openssl-dev zlib1g-dev libzstd-dev zstd
  emscripten fonts-dejavu-core fonts-inter fonts-material-design-icons-iconfont python3-fonttools
  chromium python3-aiosmtpd wrk hyperfine
  clang-14 libclang-rt-14-dev llvm-14
  libqrencode-dev zbar-tools poppler-utils
  systemd
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Source lines for the WebAssembly build's ImGui (trixie) and SQLite (bookworm)
# sources, derived from the machine's own deb stanza.
srcfile=/etc/apt/sources.list.d/atelier-src.sources
need_src=0
[ -d "$deps/imgui" ] && [ -f "$deps/sqlite/sqlite3.c" ] && [ -f "$deps/qrencode/qrencode.c" ] || need_src=1

if [ ${#missing[@]} -gt 0 ] || [ $need_src = 1 ]; then
  if [ $need_src = 1 ] && [ ! -f "$srcfile" ]; then
    base=/etc/apt/sources.list.d/debian.sources
    uri=$(awk '/^URIs:/ {print $2; exit}' "$base")
    signed=$(awk '/^Signed-By:/ {print $2; exit}' "$base")
    cat > "$srcfile" <<SRC
Types: deb-src
URIs: $uri
Suites: bookworm trixie
Components: main
Signed-By: $signed
SRC
  fi
  echo "setup: apt-get update"
  apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d "$deps/imgui" ]; then
  echo "setup: fetching Dear ImGui source package"
  rm -rf "$deps/src-imgui" && mkdir -p "$deps/src-imgui"
  (cd "$deps/src-imgui" && apt-get source -qq -o APT::Sandbox::User=root --download-only imgui/trixie >/dev/null &&
     dpkg-source --no-check -x ./*.dsc unpacked >/dev/null)
  mv "$deps/src-imgui/unpacked" "$deps/imgui"
fi

if [ ! -f "$deps/sqlite/sqlite3.c" ]; then
  echo "setup: fetching SQLite source package and building the amalgamation"
  rm -rf "$deps/src-sqlite" && mkdir -p "$deps/src-sqlite"
  (cd "$deps/src-sqlite" && apt-get source -qq -o APT::Sandbox::User=root --download-only sqlite3/bookworm >/dev/null &&
     dpkg-source --no-check -x ./*.dsc unpacked >/dev/null &&
     cd unpacked && ./configure >/dev/null && make sqlite3.c >/dev/null)
  mkdir -p "$deps/sqlite"
  cp "$deps/src-sqlite/unpacked/sqlite3.c" "$deps/src-sqlite/unpacked/sqlite3.h" \
     "$deps/src-sqlite/unpacked/sqlite3ext.h" "$deps/sqlite/"
  rm -rf "$deps/src-sqlite/unpacked"
fi

# libqrencode's C sources for the WebAssembly build (the native build links
# Debian's libqrencode).
if [ ! -f "$deps/qrencode/qrencode.c" ]; then
  echo "setup: fetching the qrencode source package"
  rm -rf "$deps/src-qrencode" && mkdir -p "$deps/src-qrencode"
  (cd "$deps/src-qrencode" && apt-get source -qq -o APT::Sandbox::User=root --download-only qrencode/trixie >/dev/null &&
     dpkg-source --no-check -x ./*.dsc unpacked >/dev/null)
  rm -rf "$deps/qrencode" && mv "$deps/src-qrencode/unpacked" "$deps/qrencode"
fi

# Header-only libraries, visible to emcc without the whole of /usr/include.
inc="$deps/include"
mkdir -p "$inc"
for h in nlohmann doctest; do [ -e "$inc/$h" ] || ln -s "/usr/include/$h" "$inc/$h"; done
[ -e "$inc/kainjow" ] || ln -s /usr/include/kainjow "$inc/kainjow"

if [ ! -d "$top/tests/browser/node_modules/playwright-core" ]; then
  echo "setup: npm install (tests/browser)"
  (cd "$top/tests/browser" && npm install --no-audit --no-fund --silent)
fi
# Litestream (continuous replication of the database, tests/http/replication.test.mjs
# and the deployment in README): its static binary (v0.3.13) from npm, in build/deps/litestream.
if [ ! -x "$deps/litestream/node_modules/@flydotio/litestream-linux-x64/litestream" ]; then
  echo "setup: npm install @flydotio/litestream-linux-x64 (build/deps/litestream)"
  mkdir -p "$deps/litestream"
  (cd "$deps/litestream" && [ -f package.json ] || echo '{"private": true}' > package.json)
  (cd "$deps/litestream" && npm install --no-audit --no-fund --silent @flydotio/litestream-linux-x64@1.0.1)
fi
echo "setup: ok"
