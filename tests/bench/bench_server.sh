#!/usr/bin/env bash
# Load benchmark of `atelier serve` on loopback with wrk.
#
#   tests/bench/bench_server.sh [DURATION_SECONDS=10]
#
# A database with the demo data and 100,000 more leads; then wrk against a
# client page (a draft proposal rendered live, and an accepted one served from
# its snapshot) and against lead intake. Prints requests/s and latency
# percentiles, and the server's resident memory.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin="$top/build/native/atelier"
ext="$top/build/native/atelier"
dur=${1:-10}
work=$(mktemp -d)
db="$work/bench.db"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

"$bin" migrate --db "$db" >/dev/null
q() { sqlite3 -batch -cmd ".timeout 5000" -cmd ".load $ext" "$db" "$@"; }
q "SELECT atelier_seed_demo(); SELECT atelier_install_defaults('2026-11-20T00:00:00Z');" >/dev/null
# 100,000 leads with their clients, in one transaction.
q "BEGIN;
   INSERT INTO clients(id, studio_id, name, email, lang, created_at)
     SELECT 'bc' || value, (SELECT id FROM studio), 'Клиент ' || value, 'c' || value || '@example.com', 'ru', '2026-01-01T00:00:00Z'
     FROM generate_series(1, 100000);
   INSERT INTO leads(id, studio_id, client_id, title, source, stage, lang, amount_minor, currency, created_at, updated_at)
     SELECT 'bl' || value, (SELECT id FROM studio), 'bc' || value, 'Сайт ' || value, 'website',
            CASE value % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'brief_sent' WHEN 2 THEN 'estimated' ELSE 'won' END,
            'ru', value * 100, 'RUB', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
     FROM generate_series(1, 100000);
   COMMIT;" 2>/dev/null || {
  # generate_series is not in every sqlite3 shell: a recursive CTE does the same.
  q "BEGIN;
     WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 100000)
     INSERT INTO clients(id, studio_id, name, email, lang, created_at)
       SELECT 'bc' || value, (SELECT id FROM studio), 'Клиент ' || value, 'c' || value || '@example.com', 'ru', '2026-01-01T00:00:00Z' FROM n;
     WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 100000)
     INSERT INTO leads(id, studio_id, client_id, title, source, stage, lang, amount_minor, currency, created_at, updated_at)
       SELECT 'bl' || value, (SELECT id FROM studio), 'bc' || value, 'Сайт ' || value, 'website',
              CASE value % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'brief_sent' WHEN 2 THEN 'estimated' ELSE 'won' END,
              'ru', value * 100, 'RUB', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n;
     COMMIT;"
}
make_proposal() {
  local lead
  lead=$(q "SELECT atelier_lead_create('{\"client_name\":\"$1\"}', 'bench')")
  q "SELECT atelier_brief_save('$lead', 'corporate', '{\"company\":\"X\",\"activity\":\"Y\",\"goals\":[\"leads\"],\"pages\":12,\"sections\":[\"about\",\"services\",\"contacts\"],\"content_pages\":20,\"languages\":1,\"design_level\":\"custom\",\"integrations\":[\"crm\"],\"seo\":true,\"urgency\":\"normal\"}', 1, 'bench')" >/dev/null
  q "SELECT atelier_proposal_create(atelier_estimate_lead('$lead', '{\"start_date\":\"2026-12-01\"}', 'bench'), 'bench')"
}
draft=$(make_proposal "Черновик")
accepted=$(make_proposal "Принято")
q "SELECT atelier_proposal_accept('$accepted', 'Клиент', '127.0.0.1')" >/dev/null
t_draft=$(q "SELECT atelier_link('proposal', '$draft')")
t_accepted=$(q "SELECT atelier_link('proposal', '$accepted')")
echo "leads in the database: $(q 'SELECT count(*) FROM leads')"

"$bin" serve --db "$db" --port "$port" --quiet --intake-per-minute 100000 --owner-password bench-password-1 >/dev/null 2>"$work/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2 " kB"}' /proc/$pid/status; }
echo "server resident memory after start: $(rss)"

# Each scenario runs 3 times; the medians of requests/s and of p99 latency are reported.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f\n", v}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() {
  local name=$1
  shift
  : > "$work/rps"; : > "$work/p99"; : > "$work/p50"
  for _ in 1 2 3; do
    wrk -t2 -c16 -d"${dur}s" --latency "$@" > "$work/out"
    grep -q 'Non-2xx' "$work/out" && { echo "non-2xx responses in $name:"; cat "$work/out"; }
    awk '/Requests\/sec/ {print $2}' "$work/out" >> "$work/rps"
    awk '$1 == "99%" {print $2}' "$work/out" | to_ms >> "$work/p99"
    awk '$1 == "50%" {print $2}' "$work/out" | to_ms >> "$work/p50"
  done
  printf '%-48s %9.0f req/s   p50 %6s ms   p99 %6s ms   (runs: %s req/s)\n' "$name" "$(median < "$work/rps")" \
    "$(median < "$work/p50")" "$(median < "$work/p99")" "$(tr '\n' ' ' < "$work/rps")"
}
run "client page, accepted proposal (snapshot)" "http://127.0.0.1:$port/c/$t_accepted"
run "client page, draft proposal (rendered live)" "http://127.0.0.1:$port/c/$t_draft"
cat > "$work/intake.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, "name=Bench+" .. counter .. "&phone=%2B7+900+000-00-00&source=website")
end
LUA
run "lead intake (POST /api/leads, no e-mail)" -s "$work/intake.lua" "http://127.0.0.1:$port/api/leads"
echo
echo "server resident memory after the runs: $(rss) (peak $(awk '/VmHWM/ {print $2 " kB"}' /proc/$pid/status))"
