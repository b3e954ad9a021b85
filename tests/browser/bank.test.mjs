// A bank statement uploaded from the app: the server records the certain
// payment; the uncertain one waits in the app until the manager confirms it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, ownerEmail } from '../lib/server.mjs';
import { launch, openApp, waitFor, screenshot, click, connectApp, settle } from '../lib/browser.mjs';
import { sql } from '../lib/sql.mjs';
import { signedContract } from '../lib/conveyor.mjs';

const issued = (server, name) => signedContract(server.db, name).invoice;

const rub = (minor) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

test('a bank statement uploaded in the app: one payment recorded, the other confirmed by the manager', async (t) => {
  const server = await startServer();
  const { context } = await launch({ viewport: { width: 1440, height: 900 } });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  const a = issued(server, 'Анна Северная');
  const b = issued(server, 'Борис Южный');
  const account = JSON.parse(sql(server.db, 'SELECT requisites_json FROM studio')).account;
  const doc = (n, sum, purpose) => ['СекцияДокумент=Платежное поручение', `Номер=${n}`, 'Дата=02.12.2026', `Сумма=${sum}`,
    'ПлательщикИНН=7707083893', 'Плательщик=ООО "Ромашка"', `ПолучательСчет=${account}`, 'ДатаПоступило=02.12.2026',
    `НазначениеПлатежа=${purpose}`, 'КонецДокумента'];
  const text = ['1CClientBankExchange', 'ВерсияФормата=1.03', 'Кодировка=Windows', `РасчСчет=${account}`,
    ...doc(1, rub(a.total), `Оплата по счёту № ${a.number}. Без НДС`), ...doc(2, rub(b.total), 'Оплата за сайт. Без НДС'), 'КонецФайла'].join('\r\n');
  const file = join(mkdtempSync(join(tmpdir(), 'atelier-bank-')), 'kl_to_1c.txt');
  writeFileSync(file, execFileSync('iconv', ['-f', 'UTF-8', '-t', 'CP1251'], { input: text }));

  const page = context.pages()[0] || await context.newPage();
  await openApp(page, server.url);
  await connectApp(page, ownerEmail(server.db));
  await click(page, 'view.sync');
  await waitFor(page, s => s.anchors['sync.bank_upload'], 'the bank statement button');
  await settle(page);
  const chooser = page.waitForEvent('filechooser');
  await click(page, 'sync.bank_upload');
  await (await chooser).setFiles(file);
  let s = await waitFor(page, x => x.sync.bank.result?.recorded === 1, 'the statement imported', 20000);
  assert.equal(s.sync.bank.result.to_confirm, 1);
  assert.equal(s.sync.bank.error, '');
  const items = s.sync.bank.result.items;
  assert.equal(items[0].status, 'recorded');
  assert.equal(items[0].payer, 'ООО "Ромашка"', 'read from Windows-1251');
  assert.equal(items[1].status, 'to_confirm');
  assert.equal(items[1].invoice_id, b.id, 'suggested by the amount');
  assert.equal(sql(server.db, `SELECT status FROM invoices WHERE id = '${a.id}'`), 'paid');
  assert.equal(sql(server.db, `SELECT status FROM invoices WHERE id = '${b.id}'`), 'issued');
  await settle(page);
  await screenshot(page, 'bank-statement-imported');

  await click(page, 'bank.confirm.1');
  s = await waitFor(page, x => x.sync.bank.result.items[1].status === 'recorded', 'the second payment confirmed');
  assert.equal(s.sync.bank.error, '');
  assert.equal(sql(server.db, `SELECT status FROM invoices WHERE id = '${b.id}'`), 'paid');
  await screenshot(page, 'bank-statement-confirmed');

  // After the next sync the app holds what the server holds, both payments included.
  const serverDigest = async () => (await (await server.api('/api/sync/status?digest=1')).json()).digest;
  const appDigest = () => page.evaluate(() => Module.UTF8ToString(Module._atelier_debug_digest()));
  for (let i = 0; ; i++) {
    await click(page, 'sync.now');
    await waitFor(page, x => !x.sync.busy && x.sync.pending === 0, 'synced', 20000);
    if (await appDigest() === await serverDigest()) break;
    assert.ok(i < 10, 'the app converges on the server');
    await new Promise(r => setTimeout(r, 300));
  }
});
