// Runs SQL against a database file through the stock sqlite3 shell with
// atelier.so loaded: how tests set up documents next to a running server.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './server.mjs';

const ext = join(root, 'build', 'native', 'atelier');

export function sql(db, query) {
  return execFileSync('sqlite3', ['-batch', '-cmd', '.timeout 5000', '-cmd', `.load ${ext}`, db, query],
    { encoding: 'utf8' }).trim();
}
