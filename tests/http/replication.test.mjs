// Continuous replication with Litestream: the server takes requests while
// Litestream streams its database to a folder; the server is killed with
// SIGKILL; the copy restored on another path has every acknowledged request
// once, opens with every document and log-in, and has the same digest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, root, OWNER_PASSWORD, ownerEmail } from '../lib/server.mjs';
import { sql } from '../lib/sql.mjs';
import { signedContract } from '../lib/conveyor.mjs';

const litestream = join(root, 'build', 'deps', 'litestream', 'node_modules', '@flydotio', 'litestream-linux-x64', 'litestream');
const atelier = join(root, 'build', 'native', 'atelier');
const sleep = (ms) => new Promise(r => setTimeout(r, ms));

test('the shipped Litestream configurations parse', () => {
  for (const file of ['litestream.yml', 'litestream-s3.yml']) {
    const r = spawnSync(litestream, ['databases', '-config', join(root, 'web', 'deploy', file)], { encoding: 'utf8',
      env: { ...process.env, ATELIER_S3_BUCKET: 'studio-backups', ATELIER_S3_ENDPOINT: 'https://s3.example.org', ATELIER_S3_REGION: 'eu-west-3' } });
    assert.equal(r.status, 0, file + ': ' + r.stderr);
    assert.match(r.stdout, /\/var\/lib\/atelier\/atelier\.db/);
  }
  assert.match(execFileSync(litestream, ['version'], { encoding: 'utf8' }), /^v0\.3\.13/);
});

test('Litestream replicates while requests arrive; after SIGKILL the restored copy has every acknowledged write once, the same digest, and log-ins', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-litestream-'));
  const db = join(dir, 'atelier.db');
  const replica = join(dir, 'replica');
  const config = join(dir, 'litestream.yml');
  // The shipped configuration, pointed at this test's files.
  writeFileSync(config, readFileSync(join(root, 'web', 'deploy', 'litestream.yml'), 'utf8')
    .replaceAll('/var/lib/atelier/atelier.db', db).replaceAll('/var/backups/atelier/litestream', replica));

  const server = await startServer({ dbPath: db, args: ['--intake-per-minute', '100000', '--quiet'] });
  const ls = spawn(litestream, ['replicate', '-config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let lsLog = '';
  ls.stdout.on('data', d => { lsLog += d; });
  ls.stderr.on('data', d => { lsLog += d; });
  t.after(() => { try { ls.kill('SIGKILL'); } catch { /* gone */ } });
  // Litestream has taken its first snapshot once the replica has a generation.
  for (let i = 0; i < 100 && !/snapshot written|write snapshot|initialized db/.test(lsLog); i++) await sleep(100);

  // Documents and payments too: a signed contract with its advance paid, by SQL on the live database.
  const signed = signedContract(db, 'Вера Репликова');
  sql(db, `SELECT atelier_payment_record('${signed.invoice.id}', ${signed.invoice.total}, 'pp-77', '2026-12-03')`);
  const owner = ownerEmail(db);
  const acknowledged = [];
  let running = true;
  const worker = async (w) => {
    for (let i = 0; running; i++) {
      try {
        const r = await fetch(server.url + '/api/leads', { method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `Реплика ${w}-${i}`, email: `r${w}n${i}@example.org`, utm_source: 'replica' }) });
        if (r.status === 201) acknowledged.push((await r.json()).id);
      } catch { /* the server is gone: no answer, no acknowledgement */ }
    }
  };
  const workers = Array.from({ length: 4 }, (_, w) => worker(w));
  await sleep(2500);
  server.proc.kill('SIGKILL');
  await new Promise(r => server.proc.once('exit', r));
  running = false;
  await Promise.all(workers);
  assert.ok(acknowledged.length > 50, `only ${acknowledged.length} requests acknowledged`);

  // Litestream's documented lag is its sync interval (1 s by default): wait
  // past it, then stop it as a service manager would.
  await sleep(2500);
  ls.kill('SIGTERM');
  await new Promise(r => ls.once('exit', r));

  mkdirSync(join(dir, 'elsewhere'));
  const restored = join(dir, 'elsewhere', 'restored.db');
  const r = spawnSync(litestream, ['restore', '-config', config, '-o', restored, db], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout + lsLog);
  assert.equal(sql(restored, 'PRAGMA integrity_check'), 'ok');
  const stored = sql(restored, "SELECT id FROM leads WHERE utm_json LIKE '%replica%'").split('\n').filter(Boolean);
  const set = new Set(stored);
  assert.equal(set.size, stored.length, 'no request twice');
  const missing = acknowledged.filter(id => !set.has(id));
  assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged requests are not in the restored copy`);
  // Every lead, document, payment and event of the original, and its users.
  for (const table of ['leads', 'clients', 'briefs', 'estimates', 'proposals', 'contracts', 'invoices', 'payments', 'events', 'users',
    'sessions', 'outbox', 'doc_links'])
    assert.equal(sql(restored, `SELECT count(*) FROM ${table}`), sql(db, `SELECT count(*) FROM ${table}`), table);
  const digest = (file) => execFileSync(atelier, ['sync', 'digest', '--db', file], { encoding: 'utf8' }).trim();
  assert.equal(digest(restored), digest(db));
  assert.equal(sql(restored, `SELECT status FROM invoices WHERE id = '${signed.invoice.id}'`), 'paid');

  // The restored database serves, and the owner logs in with the same password.
  const again = await startServer({ dbPath: restored, args: ['--quiet'] });
  t.after(() => again.stop());
  const login = await fetch(again.url + '/api/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: owner, password: OWNER_PASSWORD }) });
  assert.equal(login.status, 200);
  const leads = await (await again.api('/api/leads?limit=100000')).json();
  assert.ok(leads.length >= acknowledged.length);
});
