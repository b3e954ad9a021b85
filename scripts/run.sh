#!/usr/bin/env bash
# Installs, builds and starts Atelier on http://127.0.0.1:8080 with the
# database ./atelier.db (created with demo data on first start).
# Extra arguments go to `atelier serve` (e.g. --port 9000, --db other.db).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/build.sh" >/dev/null
exec "$top/build/native/atelier" serve --db ./atelier.db --port 8080 "$@"
