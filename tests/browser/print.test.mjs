// Every page a client opens, printed to PDF by headless Chromium as a client
// would ("Save as PDF", the browser's own header and footer on) and opened
// on a phone: the secret link never reaches the paper, each page carries the
// document's own footer, and nothing is wider than the phone's screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { artifacts } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';
import { sql } from '../lib/sql.mjs';
import { signedContract } from '../lib/conveyor.mjs';

function printToPdf(url, out) {
  execFileSync('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', `--print-to-pdf=${out}`, url], { stdio: 'ignore', timeout: 60000 });
  return execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
}

test('client pages print without the link and read on a phone', async (t) => {
  const server = await startServer();
  const { context } = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  const dir = join(artifacts, 'print');
  mkdirSync(dir, { recursive: true });

  const signed = signedContract(server.db, 'Вера Орлова', { company: 'Орлова и К', email: 'vera@orlova.ru' });
  const { lead, proposal, contract } = signed;
  const invoice = signed.invoice.id;
  const studio = sql(server.db, 'SELECT name FROM studio');
  const number = (table, id) => sql(server.db, `SELECT number FROM ${table} WHERE id = '${id}'`);
  const pages = [
    { kind: 'brief', token: sql(server.db, `SELECT atelier_link('brief', id) FROM briefs WHERE lead_id = '${lead}'`), footer: null },
    { kind: 'proposal', token: sql(server.db, `SELECT atelier_link('proposal', '${proposal}')`), footer: `${studio} · Коммерческое предложение № ${number('proposals', proposal)}` },
    { kind: 'contract', token: sql(server.db, `SELECT atelier_link('contract', '${contract}')`), footer: `${studio} · Договор № ${number('contracts', contract)}` },
    { kind: 'invoice', token: sql(server.db, `SELECT atelier_link('invoice', '${invoice}')`), footer: `${studio} · Счёт на оплату № ${number('invoices', invoice)}` },
  ];
  // The first stage done: its act, which the client signs.
  const stage = sql(server.db, `SELECT json_extract(body_json, '$.timeline[0].stage') FROM estimates WHERE lead_id = '${lead}'`);
  const act = JSON.parse(sql(server.db, `SELECT atelier_stage_complete('${lead}', '${stage}', '{"id":"u-anna","name":"Anna"}')`)).made.act_id;
  pages.push({ kind: 'act', token: sql(server.db, `SELECT atelier_link('act', '${act}')`),
    footer: `${studio} · Акт сдачи-приёмки выполненных работ № ${number('acts', act)}` });
  const revoked = sql(server.db, `SELECT atelier_link_create('proposal', '${proposal}')`);
  sql(server.db, `SELECT atelier_link_revoke('${revoked}')`);
  pages.push({ kind: 'withdrawn', token: revoked, footer: null });

  const page = context.pages()[0] || await context.newPage();
  for (const p of pages) {
    assert.equal(p.token.length, 22, p.kind);
    const url = `${server.url}/c/${p.token}`;
    const text = printToPdf(url, join(dir, `${p.kind}.pdf`));
    assert.ok(text.trim().length > 100, `${p.kind}: the PDF has the page's text`);
    assert.ok(!text.includes(p.token), `${p.kind}: the link's token is printed in the PDF`);
    assert.ok(!text.includes('/c/'), `${p.kind}: a client address is printed in the PDF`);
    assert.doesNotMatch(text, /\d{1,2}\/\d{1,2}\/\d{2},/, `${p.kind}: the browser's date header is printed`);
    if (p.footer) {
      const sheets = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [join(dir, `${p.kind}.pdf`)], { encoding: 'utf8' }))[1]);
      assert.ok(text.includes(p.footer), `${p.kind}: each page names the document (${p.footer})`);
      assert.equal(text.split(p.footer).length - 1, sheets, `${p.kind}: the footer on each of ${sheets} pages`);
      assert.ok(text.includes(`стр. ${sheets} из ${sheets}`), `${p.kind}: page numbers`);
    }

    // On a phone: a viewport, readable text, nothing wider than the screen.
    const r = await page.goto(url);
    assert.equal(r.status(), p.kind === 'withdrawn' ? 410 : 200, p.kind);
    const m = await page.evaluate(() => ({
      viewport: document.querySelector('meta[name=viewport]')?.content || '',
      width: document.documentElement.scrollWidth,
      font: parseFloat(getComputedStyle(document.body).fontSize),
    }));
    assert.match(m.viewport, /width=device-width/, `${p.kind}: viewport`);
    assert.ok(m.width <= 390, `${p.kind}: the page is ${m.width}px wide on a 390px phone`);
    assert.ok(m.font >= 14, `${p.kind}: body text ${m.font}px on a phone`);
    await page.screenshot({ path: join(dir, `phone-${p.kind}.png`), fullPage: true });
  }
});

// The invoice's QR code, read back from a screenshot of the client's page
// with zbarimg, carries every field a banking app needs.
test('the payment QR decodes to the ГОСТ string for roubles and the EPC string for euros', async (t) => {
  const server = await startServer();
  const { context } = await launch({ viewport: { width: 1024, height: 900 }, deviceScaleFactor: 2 });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  const dir = join(artifacts, 'print');
  mkdirSync(dir, { recursive: true });
  const studio = JSON.parse(sql(server.db, `SELECT json_object('name', legal_name, 'inn', tax_id, 'bank', json(bank_json)) FROM studio`));
  const page = context.pages()[0] || await context.newPage();

  for (const c of [{ lang: 'ru', currency: 'RUB', name: 'Вера Орлова' }, { lang: 'fr', currency: 'EUR', name: 'Claire Dubois' }]) {
    const inv = signedContract(server.db, c.name, { lang: c.lang, currency: c.currency }).invoice;
    const token = sql(server.db, `SELECT atelier_link('invoice', '${inv.id}')`);
    await page.goto(`${server.url}/c/${token}`);
    const png = join(dir, `qr-${c.currency}.png`);
    await page.locator('svg.qr').screenshot({ path: png });
    const decoded = execFileSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' }).replace(/\n$/, '');
    const [y, m, d] = inv.issued.split('-');
    if (c.currency === 'RUB') {
      const f = Object.fromEntries(decoded.split('|').slice(1).map(kv => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      assert.equal(decoded.split('|')[0], 'ST00012');
      assert.deepEqual(f, {
        Name: studio.name, PersonalAcc: studio.bank.account, BankName: studio.bank.bank, BIC: studio.bank.bik,
        CorrespAcc: studio.bank.corr_account, PayeeINN: studio.inn, Sum: String(inv.total),
        Purpose: `Оплата по счёту № ${inv.number} от ${d}.${m}.${y}. НДС не облагается`,
      });
    } else {
      const total = `EUR${Math.floor(inv.total / 100)}.${String(inv.total % 100).padStart(2, '0')}`;
      const tax = sql(server.db, `SELECT CASE WHEN tax_minor > 0 THEN 'dont TVA 20 % ' || atelier_money(tax_minor, 'EUR', 'fr') ELSE 'TVA non applicable' END FROM invoices WHERE id = '${inv.id}'`);
      assert.deepEqual(decoded.split('\n'), ['BCD', '002', '1', 'SCT', studio.bank.bic, studio.name, studio.bank.iban, total, '', '',
        `Facture n° ${inv.number} du ${d}/${m}/${y}. ${tax}`]);
    }
  }
});
