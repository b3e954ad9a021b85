// The server killed with SIGKILL while the site form posts leads: every lead
// that was answered 201 is in the database afterwards, and the database is
// intact. A few bounded trials on one database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { sql, sqlEventually } from '../lib/sql.mjs';

test('SIGKILL during intake under load: nothing acknowledged is lost, integrity_check is ok', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'atelier-crash-')), 'atelier.db');
  const acknowledged = [];
  for (let trial = 0; trial < 4; trial++) {
    const s = await startServer({ dbPath: db, args: ['--intake-per-minute', '100000', '--quiet'] });
    let running = true;
    const worker = async (w) => {
      for (let i = 0; running; i++) {
        try {
          const r = await fetch(s.url + '/api/leads', { method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ name: `Trial ${trial} worker ${w} #${i}`, email: `t${trial}w${w}n${i}@example.com`,
              message: 'Сайт', utm_source: 'crash' }) });
          if (r.status === 201) acknowledged.push((await r.json()).id);
        } catch { /* the server is gone: the answer never came */ }
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) => worker(w));
    await new Promise(r => setTimeout(r, 300 + trial * 150));
    s.proc.kill('SIGKILL');
    await new Promise(r => s.proc.once('exit', r));
    running = false;
    await Promise.all(workers);
  }
  assert.ok(acknowledged.length > 20, `only ${acknowledged.length} leads were acknowledged`);
  assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
  const stored = new Set(sql(db, "SELECT id FROM leads WHERE utm_json LIKE '%crash%'").split('\n'));
  const lost = acknowledged.filter(id => !stored.has(id));
  assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged leads are missing`);
  // Each acknowledged lead has its brief_sent event, in the same transaction.
  const sent = Number(sql(db, "SELECT count(*) FROM events e JOIN leads l ON l.id = e.lead_id WHERE e.kind = 'brief_sent' AND l.utm_json LIKE '%crash%'"));
  assert.ok(sent >= acknowledged.length, `${sent} brief_sent events for ${acknowledged.length} leads`);
  // The server starts again on it, and the rules catch up: every brief link is in the outbox, once.
  const s = await startServer({ dbPath: db, args: ['--quiet'] });
  assert.equal((await fetch(s.url + '/healthz')).status, 200);
  await sqlEventually(db, "SELECT count(*) FROM outbox n JOIN leads l ON l.id = n.lead_id WHERE n.rule = 'brief_link' AND l.utm_json LIKE '%crash%'",
    r => Number(r) >= sent, 15000);
  assert.equal(sql(db, "SELECT count(*) FROM (SELECT 1 FROM outbox GROUP BY rule, lead_id, occasion HAVING count(*) > 1)"), '0');
  await s.stop();
});
