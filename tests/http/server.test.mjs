// HTTP tests against a real `atelier serve` process on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, root } from '../lib/server.mjs';

const bin = join(root, 'build', 'native', 'atelier');
let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const get = (path) => (path.startsWith('/api/') ? server.api(path) : fetch(server.url + path));
const postJson = (path, body) => fetch(server.url + path, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

test('healthz reports the version and schema', async () => {
  const r = await get('/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/json/);
  const j = await r.json();
  assert.equal(j.status, 'ok');
  assert.equal(j.schema, 16);
  assert.match(j.version, /^\d+\.\d+\.\d+$/);
});

test('a new database starts with the demo data set', async () => {
  const leads = await (await get('/api/leads')).json();
  assert.equal(leads.length, 12);
  assert.ok(leads.some(l => l.client === 'Claire Dubois' && l.lang === 'fr' && l.currency === 'EUR'));
  assert.ok(leads.some(l => l.client === 'Анна Кузнецова' && l.lang === 'ru'));
  assert.equal(new Set(leads.map(l => l.stage)).size, 9);
  const limited = await (await get('/api/leads?limit=3')).json();
  assert.equal(limited.length, 3);
  const bad = await get('/api/leads?limit=-1');
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /limit/);
});

test('the app files are served with the right types', async () => {
  const cases = [['/', /text\/html/], ['/app.wasm', /^application\/wasm/], ['/app.js', /javascript/],
    ['/shell.css', /text\/css/]];
  for (const [path, type] of cases) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type'), type, path);
    await r.arrayBuffer();
  }
  assert.equal((await get('/no-such-file.txt')).status, 404);
});

test('POST /api/leads creates a lead, and refuses bad input naming the field', async () => {
  const before = (await (await get('/api/leads')).json()).length;
  const ok = await postJson('/api/leads', { client_name: 'Жан-Пьер <b>Ré</b>', email: 'jp@example.fr', lang: 'fr' });
  assert.equal(ok.status, 201);
  const { id } = await ok.json();
  const leads = await (await get('/api/leads')).json();
  assert.equal(leads.length, before + 1);
  assert.equal(leads.find(l => l.id === id).client, 'Жан-Пьер <b>Ré</b>');

  const bad = await postJson('/api/leads', { client_name: '', email: 'nope' });
  assert.equal(bad.status, 400);
  const err = (await bad.json()).error;
  assert.match(err, /client_name: required/);
  assert.match(err, /email: "nope" is not an e-mail address/);
  assert.equal((await postJson('/api/leads', '{oops')).status, 400);
  const ignored = await postJson('/api/leads', { client_name: 'X', budget: 5 });  // a field the form has no use for is ignored
  assert.equal(ignored.status, 201);
  assert.equal((await (await get('/api/leads')).json()).length, before + 2, 'nothing written by bad requests');
});

function run(args) {
  return spawnSync(bin, args, { encoding: 'utf8', timeout: 10000 });
}

test('bad flags and unusable databases: a clear message and a non-zero exit', async () => {
  let r = run(['serve', '--port', 'abc']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--port: expected a port number 1-65535, got "abc"/);
  r = run(['serve', '--port', '70000']);
  assert.equal(r.status, 2);
  r = run(['serve', '--frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option "--frobnicate"/);
  r = run(['launch']);
  assert.equal(r.status, 2);
  r = run(['serve', '--db', '/nonexistent-dir/x/atelier.db', '--port', '1']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot open database \/nonexistent-dir\/x\/atelier.db/);
  r = run(['serve', '--db', join(mkdtempSync(join(tmpdir(), 'atelier-')), 'a.db'), '--port', String(server.port)]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot listen on 127.0.0.1:\d+/);
});

test('a database from a newer schema is refused', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'atelier-')), 'future.db');
  execFileSync(bin, ['migrate', '--db', db]);
  execFileSync('sqlite3', [db, "INSERT INTO atelier_migrations VALUES (99, 'future', '2030-01-01T00:00:00Z')"]);
  const r = run(['serve', '--db', db, '--port', '1']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /schema version 99, newer than this build of Atelier knows/);
});

test('a restart keeps the data, and SIGTERM stops the server cleanly', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'atelier-')), 'keep.db');
  let s = await startServer({ dbPath: db, args: ['--no-demo'] });
  assert.equal((await (await s.api('/api/leads')).json()).length, 0);
  const r = await fetch(s.url + '/api/leads', { method: 'POST', body: JSON.stringify({ client_name: 'Пекарня' }) });
  assert.equal(r.status, 201);
  assert.equal(await s.stop(), 0);
  s = await startServer({ dbPath: db, args: ['--no-demo'] });
  const leads = await (await s.api('/api/leads')).json();
  assert.deepEqual(leads.map(l => l.client), ['Пекарня']);
  assert.equal(await s.stop(), 0);
});
