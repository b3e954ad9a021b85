// Starts a real `atelier serve` on a free loopback port with a fresh database,
// for HTTP and browser tests. The server's log goes to build/test-artifacts.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifacts = join(root, 'build', 'test-artifacts');
mkdirSync(artifacts, { recursive: true });

export const OWNER_PASSWORD = 'owner-password-for-tests';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

// The app's files from a plain static file server (no Atelier server: the
// app is a local copy). Returns its URL and a stop().
export async function startStaticApp(directory = join(root, 'build', 'www')) {
  const port = await freePort();
  const files = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', directory], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(url + '/index.html')).ok) break; } catch { /* not up yet */ }
    if (i >= 50) { files.kill(); throw new Error('the static file server did not start'); }
    await new Promise(r => setTimeout(r, 100));
  }
  return { url, stop: () => files.kill() };
}

export function ownerEmail(db) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, "SELECT email FROM users WHERE role = 'owner' AND password_hash != '' LIMIT 1"],
    { encoding: 'utf8' }).trim();
}

// A new database gets the demo studio with its dozen leads; demoYear: true
// also gives it the year of history a newcomer sees (a few seconds more).
export async function startServer({ dbPath, args = [], demoYear = false } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'atelier-test-'));
  const db = dbPath || join(dir, 'atelier.db');
  const log = openSync(join(artifacts, `server-${port}.log`), 'w');
  const proc = spawn(join(root, 'build', 'native', 'atelier'),
    ['serve', '--db', db, '--port', String(port), '--owner-password', OWNER_PASSWORD, ...(demoYear ? [] : ['--demo-history', '0']), ...args],
    { stdio: ['ignore', log, log] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(url + '/healthz')).ok) break; } catch { /* not yet */ }
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    await new Promise(r => setTimeout(r, 50));
  }
  let session = null;
  // An authenticated request as the studio's owner (session cookie + CSRF).
  const api = async (path, { method = 'GET', body } = {}) => {
    if (!session) {
      const r = await fetch(url + '/api/login', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ownerEmail(db), password: OWNER_PASSWORD }) });
      if (r.status !== 200) throw new Error('login failed: ' + r.status + ' ' + await r.text());
      session = { cookie: r.headers.get('set-cookie').split(';')[0], csrf: (await r.json()).csrf_token };
    }
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  return {
    url, port, db, proc, api,
    resetSession: () => { session = null; },
    stop: () => new Promise(resolve => {
      if (proc.exitCode !== null) return resolve(proc.exitCode);
      proc.once('exit', code => resolve(code));
      proc.kill('SIGTERM');
    }),
  };
}
