// Sync over HTTP and by file, against real servers on loopback: push, pull,
// resends, refusals, `atelier sync import`, and a server killed with SIGKILL
// while it applies batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, root } from '../lib/server.mjs';
import { sql } from '../lib/sql.mjs';

const atelier = join(root, 'build', 'native', 'atelier');

// A laptop's database made through atelier.so: `n` leads with an edit each.
function replicaWithLeads(n) {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-replica-'));
  const db = join(dir, 'laptop.db');
  sql(db, `SELECT atelier_migrate();
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n})
    SELECT count(atelier_lead_create(json_object('client_name', 'Client ' || i, 'lang', 'fr', 'currency', 'EUR'),
                                     'laptop', '2026-11-26T10:00:00Z', 'lead-' || i)) FROM k;
    UPDATE leads SET title = 'Site ' || substr(id, 6), amount_minor = 1000 * length(id);`);
  return { db, device: sql(db, 'SELECT atelier_sync_device()') };
}

// The replica's changes in bundles of at most `size` changes.
function bundles(db, size) {
  const out = [];
  let since = 0;
  for (;;) {
    const b = sql(db, `SELECT atelier_sync_export(${since}, ${size})`);
    const j = JSON.parse(b);
    if (j.changes.length === 0) break;
    out.push(b);
    since = j.until;
    if (!j.more) break;
  }
  return out;
}

async function deviceToken(server, device) {
  const r = await server.api('/api/tokens', { method: 'POST', body: { name: 'laptop', device } });
  assert.equal(r.status, 201, await r.clone().text());
  return (await r.json()).token;
}

const push = (server, token, body) => fetch(server.url + '/api/sync/push', {
  method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' }, body });

const replicated = db => sql(db, "SELECT atelier_sync_digest('leads') || atelier_sync_digest('clients') || atelier_sync_digest('stage_events')");

test('push: applied in one transaction, a resend is harmless, the pull brings the rest', async () => {
  const server = await startServer({ args: ['--no-demo'] });
  try {
    const laptop = replicaWithLeads(20);
    const [all] = bundles(laptop.db, 100000);
    // A session cookie or a token without a device cannot push.
    let r = await server.api('/api/sync/push', { method: 'POST', body: JSON.parse(all) });
    assert.equal(r.status, 403);
    assert.match((await r.json()).error, /API token of a device/);

    const token = await deviceToken(server, laptop.device);
    r = await push(server, token, all);
    assert.equal(r.status, 200);
    const first = await r.json();
    assert.equal(first.applied, JSON.parse(all).changes.length);
    assert.equal(first.duplicates, 0);
    assert.deepEqual(first.refusals, []);
    r = await push(server, token, all);
    const again = await r.json();
    assert.equal(again.applied, 0);
    assert.equal(again.duplicates, first.applied);
    assert.equal(sql(server.db, "SELECT count(*) FROM leads WHERE id LIKE 'lead-%'"), '20');
    assert.equal(replicated(server.db), replicated(laptop.db));

    // The token of another device cannot push this laptop's changes.
    const other = await deviceToken(server, '00000000000000aa');
    r = await push(server, other, all);
    assert.equal(r.status, 422);
    assert.match((await r.json()).error, /pushed with the token of device 00000000000000aa/);

    // The server's own changes come back on pull; the laptop's do not.
    await server.api('/api/leads/lead-3/move', { method: 'POST', body: { to: 'brief_sent' } });
    r = await fetch(server.url + '/api/sync/pull?since=0&limit=100000', { headers: { authorization: 'Bearer ' + token } });
    assert.equal(r.status, 200);
    const pulled = await r.json();
    assert.equal(pulled.changes.filter(c => c.hlc.endsWith(laptop.device)).length, 0);
    assert.ok(pulled.changes.some(c => c.table === 'leads' && c.row === 'lead-3' && c.cells && c.cells.stage === 'brief_sent'));
    // Resumable: a small limit says more follow, and the next page starts at `until`.
    r = await fetch(server.url + '/api/sync/pull?since=0&limit=5', { headers: { authorization: 'Bearer ' + token } });
    const page = await r.json();
    assert.equal(page.changes.length, 5);
    assert.equal(page.more, true);
    r = await fetch(server.url + `/api/sync/pull?since=${page.until}&limit=5`, { headers: { authorization: 'Bearer ' + token } });
    assert.notEqual((await r.json()).changes[0].id, page.changes[0].id);
    r = await fetch(server.url + '/api/sync/pull?since=-1', { headers: { authorization: 'Bearer ' + token } });
    assert.equal(r.status, 400);
    assert.match((await r.json()).error, /since: expected an integer/);

    // Apply the pull on the laptop: both ends equal.
    writeFileSync(join(tmpdir(), 'atelier-pull.json'), JSON.stringify(pulled));
    sql(laptop.db, `SELECT atelier_sync_apply(readfile('${join(tmpdir(), 'atelier-pull.json')}'))`);
    assert.equal(sql(laptop.db, "SELECT stage FROM leads WHERE id = 'lead-3'"), 'brief_sent');
    assert.equal(replicated(server.db), replicated(laptop.db));

    const s = await (await server.api('/api/sync/status?digest=1')).json();
    assert.match(s.device, /^[0-9a-f]{16}$/);
    assert.equal(s.schema, 16);
    assert.match(s.digest, /^[0-9a-f]{32}$/);
  } finally {
    await server.stop();
  }
});

test('push: bad bundles are refused with the reason and change nothing', async () => {
  const server = await startServer({ args: ['--no-demo'] });
  try {
    const laptop = replicaWithLeads(3);
    const [all] = bundles(laptop.db, 100000);
    const token = await deviceToken(server, laptop.device);
    const before = (await (await server.api('/api/sync/status?digest=1')).json());
    const cases = [
      [all.slice(0, all.length - 40), /not valid JSON/],
      [all.replace('"table":"clients"', '"table":"users"'), /unknown table "users"/],
      [all.replace('"title":""', '"title":17'), /title: expected text or null, got number/],
      [all.replace('"notes":""', '"secret":""'), /secret: unknown column of/],
      [all.replace('"title":""', `"title":"${'x'.repeat((1 << 20) + 10)}"`), /larger than 1 MiB/],
      [all.replace(/"schema":\d+/, '"schema":17'), /schema version 17 and this database has version 16/],
    ];
    for (const [body, want] of cases) {
      const r = await push(server, token, body);
      assert.equal(r.status, 422, String(want));
      const { error } = await r.json();
      assert.match(error, want);
      assert.match(error, /nothing was applied/);
    }
    const after = await (await server.api('/api/sync/status?digest=1')).json();
    assert.deepEqual(after, before);
  } finally {
    await server.stop();
  }
});

test('file: `atelier sync import` applies a downloaded bundle; export and digest from the command line', async () => {
  const laptop = replicaWithLeads(5);
  const dir = mkdtempSync(join(tmpdir(), 'atelier-import-'));
  const file = join(dir, 'changes.json');
  writeFileSync(file, bundles(laptop.db, 100000)[0]);
  const db = join(dir, 'server.db');
  execFileSync(atelier, ['migrate', '--db', db]);
  const out = JSON.parse(execFileSync(atelier, ['sync', 'import', file, '--db', db], { encoding: 'utf8' }));
  assert.ok(out.applied > 0);
  const again = JSON.parse(execFileSync(atelier, ['sync', 'import', file, '--db', db], { encoding: 'utf8' }));
  assert.equal(again.applied, 0);
  assert.equal(sql(db, "SELECT count(*) FROM leads WHERE id LIKE 'lead-%'"), '5');
  assert.equal(replicated(db), replicated(laptop.db));
  assert.match(execFileSync(atelier, ['sync', 'digest', '--db', db], { encoding: 'utf8' }), /^[0-9a-f]{32}\n$/);
  const exported = JSON.parse(execFileSync(atelier, ['sync', 'export', '--since', '0', '--db', db], { encoding: 'utf8' }));
  assert.equal(exported.format, 'atelier-sync');
  // A damaged file: a clear error, exit status 1, nothing applied.
  writeFileSync(file, '{"format":"atelier-sync","version":1');
  let failed;
  try { execFileSync(atelier, ['sync', 'import', file, '--db', db], { stdio: 'pipe' }); } catch (e) { failed = e; }
  assert.equal(failed.status, 1);
  assert.match(failed.stderr.toString(), /not valid JSON/);
});

test('crash: SIGKILL while batches are applied; after restart and resend the database equals a clean run', async () => {
  const laptop = replicaWithLeads(400);
  const batches = bundles(laptop.db, 60);
  assert.ok(batches.length > 20);
  const total = batches.reduce((n, b) => n + JSON.parse(b).changes.length, 0);

  // A clean run.
  const clean = await startServer({ args: ['--no-demo', '--quiet'] });
  let token = await deviceToken(clean, laptop.device);
  for (const b of batches) assert.equal((await push(clean, token, b)).status, 200);
  await clean.stop();

  // A run killed at random points, then resent from the start each time.
  const dir = mkdtempSync(join(tmpdir(), 'atelier-crash-'));
  const dbPath = join(dir, 'atelier.db');
  let server = await startServer({ dbPath, args: ['--no-demo', '--quiet'] });
  token = await deviceToken(server, laptop.device);
  let kills = 0;
  for (let round = 0; round < 6; round++) {
    const sending = (async () => {
      for (const b of batches) {
        try { await push(server, token, b); } catch { return; }  // the server is gone
      }
    })();
    await new Promise(r => setTimeout(r, 5 + Math.floor(Math.random() * 60)));
    const alive = () => server.proc.exitCode === null && server.proc.signalCode === null;
    if (alive()) { server.proc.kill('SIGKILL'); kills++; }
    await sending;
    await new Promise(r => alive() ? server.proc.once('exit', r) : r());
    server = await startServer({ dbPath, args: ['--no-demo', '--quiet'] });
  }
  for (const b of batches) assert.equal((await push(server, token, b)).status, 200);
  await server.stop();
  assert.ok(kills > 0);
  console.log(`# crash test: ${kills} SIGKILLs during ${batches.length} batches of ${total} changes`);

  assert.equal(replicated(dbPath), replicated(clean.db));
  assert.equal(replicated(dbPath), replicated(laptop.db));
  // Every change once: none lost, none applied twice.
  const count = db => sql(db, `SELECT count(*) || '/' || count(DISTINCT hlc) FROM change_log WHERE device = '${laptop.device}'`);
  assert.equal(count(dbPath), `${total}/${total}`);
  assert.equal(count(clean.db), `${total}/${total}`);
  assert.equal(sql(dbPath, 'PRAGMA integrity_check'), 'ok');
});
