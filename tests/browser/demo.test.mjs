// What a newcomer sees on the first start of `atelier serve`: a demo studio
// with a year of requests and every kind of document behind them, the first
// invoice's payment QR readable by a banking app, and a planned invoice that
// says it is not due yet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, artifacts } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';
import { sql } from '../lib/sql.mjs';

test('a new database: a year of demo history with every document, the first invoice\'s QR decodes', async (t) => {
  const server = await startServer({ demoYear: true });
  const { context } = await launch({ viewport: { width: 1024, height: 900 }, deviceScaleFactor: 2 });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  const dir = join(artifacts, 'demo');
  mkdirSync(dir, { recursive: true });
  const n = (q) => Number(sql(server.db, q));

  // Counted as the issue counted them: none of these was there before.
  assert.ok(n('SELECT count(*) FROM leads') >= 280, 'about 300 requests');
  assert.ok(n('SELECT count(*) FROM briefs') >= 150);
  assert.ok(n('SELECT count(*) FROM proposals') >= 100);
  assert.ok(n("SELECT count(*) FROM contracts WHERE status = 'accepted'") >= 40);
  assert.ok(n("SELECT count(*) FROM invoices WHERE status = 'paid'") >= 60);
  assert.ok(n("SELECT count(*) FROM invoices WHERE status = 'issued' AND due_on < date('now')") >= 1, 'some overdue');
  assert.ok(n('SELECT count(*) FROM acts') >= 40);
  assert.ok(n("SELECT count(DISTINCT source) FROM leads") >= 5);
  assert.ok(n("SELECT count(*) FROM leads WHERE stage = 'lost'") >= 60);
  // The whole year, up to today.
  assert.ok(sql(server.db, 'SELECT min(created_at) FROM leads') < sql(server.db, "SELECT date('now', '-11 months')"));
  // The owner and the managers can sign in as before: the owner printed at the first start.
  assert.equal((await server.api('/api/leads?limit=1000')).status, 200);
  const listed = await (await server.api('/api/leads?limit=1000')).json();
  assert.ok(listed.length >= 280);

  // The first invoice a client still has to pay: its page, its QR read back.
  const studio = JSON.parse(sql(server.db, `SELECT json_object('name', legal_name, 'inn', tax_id, 'bank', json(bank_json)) FROM studio`));
  const inv = JSON.parse(sql(server.db, "SELECT json_object('id', id, 'number', number, 'total', total_minor) FROM invoices"
    + " WHERE currency = 'RUB' AND status = 'issued' ORDER BY issued_on, number LIMIT 1"));
  const page = context.pages()[0] || await context.newPage();
  await page.goto(`${server.url}/c/${sql(server.db, `SELECT atelier_link('invoice', '${inv.id}')`)}`);
  await page.screenshot({ path: join(dir, 'first-invoice.png'), fullPage: true });
  const png = join(dir, 'first-invoice-qr.png');
  await page.locator('svg.qr').screenshot({ path: png });
  const decoded = execFileSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' }).replace(/\n$/, '');
  assert.ok(decoded.startsWith('ST00012|'), decoded);
  assert.ok(decoded.includes(`|PersonalAcc=${studio.bank.account}|`), decoded);
  assert.ok(decoded.includes(`|Sum=${inv.total}|`), decoded);
  assert.ok(decoded.includes(`№ ${inv.number}`), decoded);
  const text = await page.locator('body').innerText();
  assert.match(text, /Оплатить не позднее \d\d\.\d\d\.\d{4}\./);
  assert.doesNotMatch(text, /,\s*\n/, 'no line ends in a stray comma');

  // A planned payment of the schedule: no empty due date, no QR, said as such.
  const planned = sql(server.db, "SELECT id FROM invoices WHERE currency = 'RUB' AND status = 'draft' AND contract_id IN"
    + " (SELECT id FROM contracts WHERE status = 'accepted') LIMIT 1");
  assert.ok(planned, 'a signed project still has a planned payment');
  await page.goto(`${server.url}/c/${sql(server.db, `SELECT atelier_link('invoice', '${planned}')`)}`);
  await page.screenshot({ path: join(dir, 'planned-invoice.png'), fullPage: true });
  const ptext = await page.locator('body').innerText();
  assert.doesNotMatch(ptext, /не позднее\s*\./);
  assert.match(ptext, /счёт ещё не выставлен/);
  assert.equal(await page.locator('svg.qr').count(), 0);
  const buyer = await page.locator('table.sides tr').nth(1).innerText();
  assert.doesNotMatch(buyer, /,\s*$/, `the buyer line: ${buyer}`);

  // A French client's paid invoice: the service period, and a round sum without "00 centime".
  const fr = sql(server.db, "SELECT id FROM invoices WHERE currency = 'EUR' AND number IS NOT NULL ORDER BY issued_on LIMIT 1");
  assert.ok(fr);
  await page.goto(`${server.url}/c/${sql(server.db, `SELECT atelier_link('invoice', '${fr}')`)}`);
  await page.screenshot({ path: join(dir, 'french-invoice.png'), fullPage: true });
  const ftext = await page.locator('body').innerText();
  assert.match(ftext, /Période de la prestation: \d\d\/\d\d\/\d{4} – \d\d\/\d\d\/\d{4}/);
  assert.doesNotMatch(ftext, /00 centime/);
});
