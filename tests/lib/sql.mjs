// Runs SQL against a database file through the stock sqlite3 shell with
// atelier.so loaded: how tests set up documents next to a running server.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './server.mjs';

const ext = join(root, 'build', 'native', 'atelier');

// A statement that reads and then writes (SELECT atelier_...()) cannot wait
// for the lock when the server committed since its read began (SQLite
// answers "database is locked" at once); it changed nothing, so it is run
// again, a few times.
export function sql(db, query) {
  for (let attempt = 0; ; attempt++) {
    try {
      return execFileSync('sqlite3', ['-batch', '-cmd', '.timeout 5000', '-cmd', `.load ${ext}`, db, query],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (e) {
      if (attempt >= 5 || !/database is locked/.test(String(e.stderr))) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * (attempt + 1));
    }
  }
}

// Polls `query` until `ok(result)` holds (the server's rules run just after
// a write, on their own thread), and returns the result; fails after `ms`.
export async function sqlEventually(db, query, ok = r => r !== '', ms = 5000) {
  const until = Date.now() + ms;
  let r;
  for (;;) {
    r = sql(db, query);
    if (ok(r)) return r;
    if (Date.now() > until) throw new Error(`after ${ms} ms, ${query} still gives ${JSON.stringify(r)}`);
    await new Promise(res => setTimeout(res, 25));
  }
}
