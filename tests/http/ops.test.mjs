// What an operator has: GET /metrics in the Prometheus text format (read
// here figure by figure against what the test did), a JSON log line per
// failure, `atelier doctor`, and the systemd unit checked by systemd itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, root, artifacts } from '../lib/server.mjs';
import { sql } from '../lib/sql.mjs';

const atelier = join(root, 'build', 'native', 'atelier');

// { 'name{labels}': value } from an exposition, with its # TYPE lines.
function parse(text) {
  const values = {}, types = {};
  for (const line of text.split('\n')) {
    if (!line) continue;
    const t = line.match(/^# TYPE (\S+) (\S+)$/);
    if (t) { types[t[1]] = t[2]; continue; }
    if (line.startsWith('#')) continue;
    const m = line.match(/^(\S+?(?:\{.*\})?) (\S+)$/);
    assert.ok(m, `not a sample line: ${line}`);
    values[m[1]] = Number(m[2]);
  }
  return { values, types };
}

test('/metrics: requests by route and status, latency, outbox, rules, sync, database and WAL size; only from this machine or with the owner\'s token', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const token = 'x'.repeat(40);
  assert.equal((await fetch(`${server.url}/c/${token}`)).status, 404);
  assert.equal((await fetch(`${server.url}/c/${token}`)).status, 404);
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  const lead = await fetch(`${server.url}/api/leads`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Метрика Тестова', email: 'metrika@example.org' }) });
  assert.equal(lead.status, 201);
  // A device pushes one bad bundle: refused, and logged as a failure.
  const tok = await server.api('/api/tokens', { method: 'POST', body: { name: 'probe', device: '00112233aabbccdd' } });
  assert.equal(tok.status, 201);
  const device = (await tok.json()).token;
  const bad = await fetch(`${server.url}/api/sync/push`, { method: 'POST', headers: { authorization: 'Bearer ' + device,
    'content-type': 'application/json' }, body: '{"changes": 5}' });
  assert.equal(bad.status, 422);

  // The rules run within a second of the start.
  await new Promise(r => setTimeout(r, 1500));
  const r = await fetch(`${server.url}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await r.text();
  writeFileSync(join(artifacts, 'metrics.txt'), text);
  assert.ok(!text.includes(token), 'a client link\'s token is never a label');
  const { values: v, types } = parse(text);
  assert.equal(v['atelier_http_requests_total{route="GET /c/:token",status="404"}'], 2);
  assert.equal(v['atelier_http_requests_total{route="GET /healthz",status="200"}'] >= 2, true, 'ours and the start\'s');
  assert.equal(v['atelier_http_requests_total{route="POST /api/leads",status="201"}'], 1);
  assert.equal(v['atelier_http_requests_total{route="POST /api/sync/push",status="422"}'], 1);
  assert.equal(types.atelier_http_requests_total, 'counter');
  assert.equal(types.atelier_http_request_duration_seconds, 'histogram');
  const count = v.atelier_http_request_duration_seconds_count;
  assert.ok(count >= 6, `${count} requests timed`);
  assert.equal(v['atelier_http_request_duration_seconds_bucket{le="+Inf"}'], count);
  assert.ok(v['atelier_http_request_duration_seconds_bucket{le="0.0005"}'] <= v['atelier_http_request_duration_seconds_bucket{le="2.5"}']);
  assert.ok(v.atelier_http_request_duration_seconds_sum > 0);
  // The outbox, as the database has it.
  for (const status of ['scheduled', 'queued', 'sending', 'sent', 'failed', 'cancelled'])
    assert.equal(v[`atelier_outbox_messages{status="${status}"}`], Number(sql(server.db, `SELECT count(*) FROM outbox WHERE status = '${status}'`)), status);
  assert.ok(v['atelier_outbox_messages{status="queued"}'] >= 1, 'the brief of the new lead waits: no mail server');
  assert.ok(v.atelier_outbox_oldest_queued_age_seconds >= 0);
  assert.ok(v.atelier_rules_evaluations_total >= 1);
  assert.ok(v.atelier_rules_evaluation_seconds_total > 0);
  assert.equal(v.atelier_sync_merges_total, 0, 'the refused bundle merged nothing');
  assert.equal(v.atelier_sync_refusals_total, 0);
  assert.equal(v['atelier_failures_total{kind="sync"}'], 1);
  assert.equal(v.atelier_database_bytes, statSync(server.db).size);
  assert.equal(v.atelier_database_wal_bytes, existsSync(server.db + '-wal') ? statSync(server.db + '-wal').size : 0);
  assert.ok(v.atelier_database_wal_bytes > 0, 'the server writes in WAL mode');

  // The failure, as one JSON line in the server's log.
  const log = readFileSync(join(artifacts, `server-${server.port}.log`), 'utf8').split('\n').filter(l => l.startsWith('{'));
  const failure = log.map(l => JSON.parse(l)).find(j => j.kind === 'sync');
  assert.ok(failure, 'a structured line for the refused push');
  assert.equal(failure.level, 'error');
  assert.match(failure.message, /^atelier: sync: format: expected "atelier-sync"/);
  assert.equal(failure.device, '00112233aabbccdd');
  assert.match(failure.t, /^\d{4}-\d\d-\d\dT/);

  // Through a proxy (a forwarded request): only with the owner's token.
  const proxied = await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
  assert.equal(proxied.status, 403);
  assert.match((await proxied.json()).error, /owner/);
  const owner = await server.api('/api/tokens', { method: 'POST', body: { name: 'prometheus' } });
  const ownerToken = (await owner.json()).token;
  const withToken = await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9', authorization: 'Bearer ' + ownerToken } });
  assert.equal(withToken.status, 200);
  assert.match(await withToken.text(), /^atelier_database_bytes \d+$/m);
});

test('atelier doctor: a healthy database passes; a damaged one, a missing one, an unreachable mail server are named with what to do', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const dir = mkdtempSync(join(tmpdir(), 'atelier-doctor-'));
  const copy = join(dir, 'copy.db');
  execFileSync(atelier, ['backup', copy, '--db', server.db]);
  let r = spawnSync(atelier, ['doctor', '--db', copy], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^ok {4}integrity/m);
  assert.match(r.stdout, /^ok {4}schema version \d+/m);
  assert.match(r.stdout, /^ok {4}disk: [\d.]+ MB free of [\d.]+ MB/m);
  assert.match(r.stdout, /^WARN {2}mail: no SMTP server given/m);
  assert.match(r.stdout, /0 problem\(s\)/);

  // Nothing listens on port 1.
  r = spawnSync(atelier, ['doctor', '--db', copy, '--smtp-url', 'smtp://127.0.0.1:1'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^FAIL {2}mail: smtp:\/\/127\.0\.0\.1:1: /m);
  assert.match(r.stdout, /→ check the host, the port and the firewall/);

  // A page of an index overwritten: integrity fails, restore is the advice.
  const broken = join(dir, 'broken.db');
  copyFileSync(copy, broken);
  const page = Number(execFileSync('sqlite3', [broken, "SELECT rootpage FROM sqlite_master WHERE name = 'leads_stage'"], { encoding: 'utf8' }));
  const size = Number(execFileSync('sqlite3', [broken, 'PRAGMA page_size'], { encoding: 'utf8' }));
  const bytes = readFileSync(broken);
  bytes.fill(0x55, (page - 1) * size + 8, page * size - 8);
  writeFileSync(broken, bytes);
  r = spawnSync(atelier, ['doctor', '--db', broken], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /^FAIL {2}(integrity|database)/m);
  assert.match(r.stdout, /restore/);

  // A missing file is not created.
  const missing = join(dir, 'nothing.db');
  r = spawnSync(atelier, ['doctor', '--db', missing], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /no such file/);
  assert.ok(!existsSync(missing));
});

test('the systemd unit verifies and is hardened', () => {
  const unit = join(root, 'web', 'deploy', 'atelier.service');
  const text = readFileSync(unit, 'utf8');
  for (const line of ['DynamicUser=yes', 'ProtectSystem=strict', 'StateDirectory=atelier', 'NoNewPrivileges=yes', 'PrivateTmp=yes'])
    assert.ok(text.includes(line), line);
  // systemd-analyze checks the unit as systemd would load it (its binary path must exist).
  const dir = mkdtempSync(join(tmpdir(), 'atelier-unit-'));
  const local = join(dir, 'atelier.service');
  writeFileSync(local, text.replaceAll('/usr/local/bin/atelier', atelier));
  const r = spawnSync('systemd-analyze', ['verify', local], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stderr, /atelier\.service/, r.stderr);
});
