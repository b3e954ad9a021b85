// Starts a real `atelier serve` on a free loopback port with a fresh database,
// for HTTP and browser tests. The server's log goes to build/test-artifacts.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifacts = join(root, 'build', 'test-artifacts');
mkdirSync(artifacts, { recursive: true });

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

export async function startServer({ dbPath, args = [] } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'atelier-test-'));
  const db = dbPath || join(dir, 'atelier.db');
  const log = openSync(join(artifacts, `server-${port}.log`), 'w');
  const proc = spawn(join(root, 'build', 'native', 'atelier'),
    ['serve', '--db', db, '--port', String(port), ...args], { stdio: ['ignore', log, log] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url + '/healthz')).ok) break; } catch { /* not yet */ }
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    await new Promise(r => setTimeout(r, 50));
  }
  return {
    url, port, db, proc,
    stop: () => new Promise(resolve => {
      if (proc.exitCode !== null) return resolve(proc.exitCode);
      proc.once('exit', code => resolve(code));
      proc.kill('SIGTERM');
    }),
  };
}
