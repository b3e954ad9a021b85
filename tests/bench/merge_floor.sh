#!/usr/bin/env bash
# What SQLite alone needs to write what one merge of 100,000 changes writes,
# with no C++ around it: the rows of `bench_sync 1 merge` (25,000 clients,
# leads and first stage moves, each lead edited once, the edit folded into
# its row) written set-based, one INSERT … SELECT per table in one
# transaction, then the same changes appended to the change log and its
# per-row index. Run with the schema as it is, and again with the report
# paths' triggers dropped. Prints the medians of RUNS runs.
#
#   tests/bench/merge_floor.sh [RUNS=5]
#   FLOOR_IDS=ordered tests/bench/merge_floor.sh [RUNS=5]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
ext="$top/build/native/atelier"
runs=${1:-5}
work=$(mktemp -d -p "$([ -d /dev/shm ] && echo /dev/shm || echo /tmp)")
trap 'rm -rf "$work"' EXIT

# The ids: random (as version 4 ids are), or with FLOOR_IDS=ordered the
# first 48 bits a clock, one millisecond per lead, shared by the lead's
# client and stage event (as the core's version 7 ids and the rows derived
# from a lead are).
if [ "${FLOOR_IDS:-random}" = ordered ]; then
    prefix="printf('%012x', 1767225600000 + i)" bytes=10
else
    prefix="''" bytes=16
fi

# One run: prints "rows log total" in seconds. $1 = keep | drop (the paths).
run() {
    local db="$work/floor.db"
    rm -f "$db" "$db-wal" "$db-shm"
    sqlite3 -batch "$db" >/dev/null <<SQL
.load $ext
PRAGMA journal_mode = WAL;
SELECT atelier_migrate();
SQL
    local drops=""
    if [ "$1" = drop ]; then
        drops=$(sqlite3 -batch "$db" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'lead_path%'")
    fi
    sqlite3 -batch "$db" <<SQL | awk '/^Run Time/ { t[++n] = $4 } END { r = t[2] + t[3] + t[4]; l = t[5] + t[6] + t[7] + t[8] + t[9]; printf "%.3f %.3f %.3f\n", r, l, t[1] + r + l + t[10] }'
.load $ext
PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -16000; PRAGMA temp_store = MEMORY;
$drops
INSERT INTO studio(id, name, created_at) VALUES ('00000000-0000-4000-8000-000000000000', 'Studio', '2026-11-20T09:00:00Z');
CREATE TEMP TABLE ids AS
  WITH n(i) AS (SELECT value FROM generate_series(1, 25000)),
       h(i, a, b, c) AS (SELECT i, $prefix || lower(hex(randomblob($bytes))), $prefix || lower(hex(randomblob($bytes))),
                                $prefix || lower(hex(randomblob($bytes))) FROM n)
  SELECT i,
    substr(a, 1, 8) || '-' || substr(a, 9, 4) || '-' || substr(a, 13, 4) || '-' || substr(a, 17, 4) || '-' || substr(a, 21) AS c,
    substr(b, 1, 8) || '-' || substr(b, 9, 4) || '-' || substr(b, 13, 4) || '-' || substr(b, 17, 4) || '-' || substr(b, 21) AS l,
    substr(c, 1, 8) || '-' || substr(c, 9, 4) || '-' || substr(c, 13, 4) || '-' || substr(c, 17, 4) || '-' || substr(c, 21) AS s
  FROM h;
.timer on
BEGIN;
INSERT INTO clients(id, studio_id, name, company, email, phone, lang, notes, created_at, requisites_json)
  SELECT c, '00000000-0000-4000-8000-000000000000', 'Client ' || i, '', '', '', 'ru', '', '2026-11-26T10:00:00Z', '{}' FROM ids;
INSERT INTO leads(id, studio_id, client_id, title, source, utm_json, stage, lang, amount_minor, currency, notes, created_at, updated_at, owner_name)
  SELECT l, '00000000-0000-4000-8000-000000000000', c, 'Сайт ' || i, '', '{}', 'new', 'ru', i * 100, 'RUB', '',
         '2026-11-26T10:00:00Z', '2026-11-26T10:00:00Z', '' FROM ids;
INSERT INTO stage_events(id, lead_id, from_stage, to_stage, at, actor, reason)
  SELECT s, l, NULL, 'new', '2026-11-26T10:00:00Z', 'bench', NULL FROM ids;
INSERT INTO change_log(hlc, device, tbl, row_id, cells)
  SELECT '2026-11-26T10:00:00.000Z-' || printf('%04x', i % 65536) || '-0123456789abcdef', '0123456789abcdef', 'clients', c,
    json_object('id', c, 'studio_id', '00000000-0000-4000-8000-000000000000', 'name', 'Client ' || i, 'company', '', 'email', '',
                'phone', '', 'lang', 'ru', 'notes', '', 'created_at', '2026-11-26T10:00:00Z', 'requisites_json', '{}') FROM ids;
INSERT INTO change_log(hlc, device, tbl, row_id, cells)
  SELECT '2026-11-26T10:00:01.000Z-' || printf('%04x', i % 65536) || '-0123456789abcdef', '0123456789abcdef', 'leads', l,
    json_object('id', l, 'studio_id', '00000000-0000-4000-8000-000000000000', 'client_id', c, 'manager_id', NULL, 'title', '',
                'source', '', 'utm_json', '{}', 'stage', 'new', 'lost_reason', NULL, 'lang', 'ru', 'amount_minor', 0, 'currency', 'RUB',
                'next_action_at', NULL, 'notes', '', 'created_at', '2026-11-26T10:00:00Z', 'updated_at', '2026-11-26T10:00:00Z',
                'owner_id', NULL, 'owner_name', '') FROM ids;
INSERT INTO change_log(hlc, device, tbl, row_id, cells)
  SELECT '2026-11-26T10:00:02.000Z-' || printf('%04x', i % 65536) || '-0123456789abcdef', '0123456789abcdef', 'stage_events', s,
    json_object('id', s, 'lead_id', l, 'from_stage', NULL, 'to_stage', 'new', 'at', '2026-11-26T10:00:00Z', 'actor', 'bench',
                'reason', NULL) FROM ids;
INSERT INTO change_log(hlc, device, tbl, row_id, cells)
  SELECT '2026-11-26T10:00:03.000Z-' || printf('%04x', i % 65536) || '-0123456789abcdef', '0123456789abcdef', 'leads', l,
    json_object('title', 'Сайт ' || i, 'amount_minor', i * 100) FROM ids;
INSERT INTO change_rows(tbl, row_id, hlc, seq)
  SELECT tbl, row_id, hlc, seq FROM change_log WHERE seq > (SELECT max(seq) - 100000 FROM change_log) ORDER BY seq;
COMMIT;
SQL
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for paths in keep drop; do
    : >"$work/times"
    for _ in $(seq "$runs"); do run "$paths" >>"$work/times"; done
    rows=$(cut -d' ' -f1 "$work/times" | median)
    log=$(cut -d' ' -f2 "$work/times" | median)
    total=$(cut -d' ' -f3 "$work/times" | median)
    label=$([ "$paths" = keep ] && echo "with the report paths' triggers" || echo "the report paths' triggers dropped")
    printf '%s: rows %s s, log and index %s s, in all %s s for 100,000 changes = %.0f changes/s (median of %d)\n' \
        "$label" "$rows" "$log" "$total" "$(awk -v t="$total" 'BEGIN { print 100000 / t }')" "$runs"
done
