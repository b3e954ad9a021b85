// The app's files go out compressed to a browser that accepts it, with
// Zstandard when it does (the build's own `.zst` when it is the file's),
// else gzip: compressed once, kept until the file changes on disk, never
// compressed twice; a range, a refusal of both and an image are served as
// they are; and the empty database a browser's first visit starts from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, root } from '../lib/server.mjs';

const www = mkdtempSync(join(tmpdir(), 'atelier-www-'));
// Text that compresses, and a module with a repeating pattern.
const script = Array.from({ length: 4000 }, (_, i) => `function f${i}(x) { return x * ${i} + 1; }\n`).join('');
const wasm = Buffer.alloc(300000);
for (let i = 0; i < wasm.length; i++) wasm[i] = (i * 7) % 251;
const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const page = '<!doctype html><title>app</title>' + '<p>Заявки, сметы, договоры и счета.</p>\n'.repeat(20) + '<script src="app.js"></script>';
writeFileSync(join(www, 'index.html'), page);
writeFileSync(join(www, 'app.js'), script);
writeFileSync(join(www, 'app.wasm'), wasm);
writeFileSync(join(www, 'icon.png'), png);
// The build's frame of the module, at the best level; an old build's frame
// of the script (another text), and a file of garbage named as the page's.
// (From files, as the build makes them: the frame then says its size.)
const unzstd = (bytes) => execFileSync('zstd', ['-q', '-d', '-c'], { input: bytes, maxBuffer: 64 << 20 });
execFileSync('zstd', ['-19', '-q', '-f', join(www, 'app.wasm')]);
const wasmZst = readFileSync(join(www, 'app.wasm.zst'));
const old = join(mkdtempSync(join(tmpdir(), 'atelier-old-')), 'app.js');
writeFileSync(old, 'function old() {}\n'.repeat(500));
execFileSync('zstd', ['-19', '-q', '-f', old, '-o', join(www, 'app.js.zst')]);
writeFileSync(join(www, 'index.html.zst'), Buffer.from('28b52ffd not a frame'));

let server;
before(async () => { server = await startServer({ args: ['--quiet', '--www', www] }); });
after(async () => { await server.stop(); });

// The raw answer: headers and bytes as sent, nothing decoded.
function get(path, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = request(server.url + path, { method, headers }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

// The module, the script and the page, each asked for with `accepted` and
// sent in `coding`, whole, with the server's headers.
async function compressedFiles(accepted, coding, decode) {
  for (const [path, bytes, type] of [['/app.wasm', wasm, 'application/wasm'], ['/app.js', Buffer.from(script), 'text/javascript'],
    ['/', Buffer.from(page), 'text/html']]) {
    const r = await get(path, { 'accept-encoding': accepted });
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-encoding'], coding, path);
    assert.equal(r.headers['vary'], 'Accept-Encoding', path);
    assert.equal(r.headers['content-type'], type, path);
    assert.equal(Number(r.headers['content-length']), r.body.length, path);
    assert.ok(r.body.length < bytes.length, `${path}: ${r.body.length} bytes compressed, ${bytes.length} plain`);
    assert.deepEqual(decode(r.body), bytes, path);
    // The server's security headers are on these answers too.
    assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
  }
}

test('the module, the script and the page compressed for a browser that accepts gzip (br too)', async () => {
  await compressedFiles('gzip, deflate, br', 'gzip', gunzipSync);
  const head = await get('/app.wasm', { 'accept-encoding': 'gzip' }, 'HEAD');
  assert.equal(head.headers['content-encoding'], 'gzip');
  assert.equal(head.body.length, 0);
});

test('Zstandard for a browser that accepts it: the build\'s frame when it is the file\'s, else made here', async () => {
  await compressedFiles('gzip, deflate, br, zstd', 'zstd', unzstd);
  // The module's frame is the build's, byte for byte (smaller than gzip's).
  const module = await get('/app.wasm', { 'accept-encoding': 'zstd' });
  assert.deepEqual(module.body, wasmZst);
  const gz = await get('/app.wasm', { 'accept-encoding': 'gzip' });
  assert.ok(module.body.length < gz.body.length, `zstd ${module.body.length} bytes, gzip ${gz.body.length}`);
  // The weights decide: gzip when it weighs more, zstd refused with q=0.
  for (const ae of ['zstd;q=0.5, gzip', 'zstd;q=0, gzip', 'gzip, zstd ; q=0']) {
    const r = await get('/app.js', { 'accept-encoding': ae });
    assert.equal(r.headers['content-encoding'], 'gzip', ae);
    assert.equal(gunzipSync(r.body).toString(), script, ae);
  }
  assert.equal((await get('/app.js', { 'accept-encoding': 'gzip;q=0.2, zstd;q=0.8' })).headers['content-encoding'], 'zstd');
});

test('served as they are: nothing accepted, gzip refused with q=0, a range, an image', async () => {
  for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'gzip;q=0, br' },
    { 'accept-encoding': 'zstd;q=0, gzip;q=0' }]) {
    const r = await get('/app.wasm', headers);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], undefined, JSON.stringify(headers));
    assert.deepEqual(r.body, wasm);
  }
  const range = await get('/app.wasm', { 'accept-encoding': 'gzip', range: 'bytes=10-19' });
  assert.equal(range.status, 206);
  assert.equal(range.headers['content-encoding'], undefined);
  assert.deepEqual(range.body, wasm.subarray(10, 20));
  const image = await get('/icon.png', { 'accept-encoding': 'gzip' });
  assert.equal(image.headers['content-encoding'], undefined);
  assert.deepEqual(image.body, png);
  // Not the app's files: not found, compressed or not.
  for (const path of ['/missing.js', '/.hidden.js', '/../etc/passwd', '/%2e%2e/etc/passwd'])
    assert.equal((await get(path, { 'accept-encoding': 'gzip' })).status, 404, path);
});

test('a file changed on disk is compressed again: a new build is served at once', async () => {
  const before = gunzipSync((await get('/app.js', { 'accept-encoding': 'gzip' })).body).toString();
  assert.equal(before, script);
  const next = script.replace('function f0', 'function first') + '// build 2\n';
  writeFileSync(join(www, 'app.js'), next);
  const after = gunzipSync((await get('/app.js', { 'accept-encoding': 'gzip' })).body).toString();
  assert.equal(after, next);
  assert.equal(unzstd((await get('/app.js', { 'accept-encoding': 'zstd' })).body).toString(), next);
});

// What a browser's first visit starts from: a database with the schema and
// nothing of the studio's, in the coding asked for.
test('/empty.db: the latest schema and no data, compressed as the app\'s files are', async () => {
  const health = JSON.parse((await get('/healthz')).body.toString());
  const z = await get('/empty.db', { 'accept-encoding': 'gzip, deflate, br, zstd' });
  assert.equal(z.status, 200);
  assert.equal(z.headers['content-encoding'], 'zstd');
  assert.equal(z.headers['content-type'], 'application/vnd.sqlite3');
  assert.equal(z.headers['cache-control'], 'no-cache');
  const image = unzstd(z.body);
  assert.ok(z.body.length * 10 < image.length, `${z.body.length} bytes sent for ${image.length}`);
  assert.equal(image.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
  const g = await get('/empty.db', { 'accept-encoding': 'gzip' });
  assert.equal(g.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(g.body), image);
  const plain = await get('/empty.db');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(plain.body, image);

  const file = join(mkdtempSync(join(tmpdir(), 'atelier-empty-')), 'empty.db');
  writeFileSync(file, image);
  const sql = (q) => execFileSync('sqlite3', ['-batch', file, q]).toString().trim();
  assert.equal(sql('PRAGMA integrity_check'), 'ok');
  assert.equal(Number(sql('SELECT max(version) FROM atelier_migrations')), health.schema);
  // The migrations' own rows only: no studio, no people, no log, no device.
  for (const table of ['studio', 'users', 'clients', 'leads', 'change_log', 'sync_meta', 'sessions', 'api_tokens'])
    assert.equal(sql(`SELECT count(*) FROM ${table}`), '0', table);
  // Opened by Atelier, it needs no migration.
  const ext = join(root, 'build', 'native', 'atelier');
  assert.equal(execFileSync('sqlite3', ['-batch', file, `.load ${ext}`, 'SELECT atelier_migrate()']).toString().trim(), String(health.schema));
});
