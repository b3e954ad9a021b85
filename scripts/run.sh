#!/usr/bin/env bash
# Installs, builds and starts Atelier on http://127.0.0.1:8080 with the
# database ./atelier.db (created with demo data on first start).
# Extra arguments go to `atelier serve` (e.g. --port 9000, --db other.db).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$top/build"
log="$top/build/build.log"
echo "Installing and building (log: $log)..."
if ! bash "$top/scripts/build.sh" > "$log" 2>&1; then
  tail -n 40 "$log"
  echo "atelier: the build failed; the whole log is in $log" >&2
  exit 1
fi
exec "$top/build/native/atelier" serve --db ./atelier.db --port 8080 "$@"
