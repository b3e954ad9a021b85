// Money coming in from outside, against a real server on loopback: an
// online payment provider's signed notice, and the invoice's payment link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, root, ownerEmail, OWNER_PASSWORD } from '../lib/server.mjs';
import { sql } from '../lib/sql.mjs';
import { signedContract } from '../lib/conveyor.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

// The owner's session, for a request whose body is a file rather than JSON.
async function authHeaders() {
  const r = await fetch(server.url + '/api/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ownerEmail(server.db), password: OWNER_PASSWORD }) });
  return { cookie: r.headers.get('set-cookie').split(';')[0], 'x-csrf-token': (await r.json()).csrf_token, 'content-type': 'application/octet-stream' };
}

// A signed contract with its first invoice issued: {lead, invoice, number, total, token}.
function issuedInvoice(name, currency = 'RUB', lang = 'ru') {
  const c = signedContract(server.db, name, { lang, currency });
  return { lead: c.lead, invoice: c.invoice.id, number: c.invoice.number, total: c.invoice.total,
    token: sql(server.db, `SELECT atelier_link('invoice', '${c.invoice.id}')`) };
}

async function notify(secret, notice, { signature, raw } = {}) {
  const body = raw ?? JSON.stringify(notice);
  const sig = signature ?? 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
  return fetch(server.url + '/api/payments/webhook', { method: 'POST', headers: { 'content-type': 'application/json', 'x-atelier-signature': sig }, body });
}

test('webhook: a signed notice pays the invoice once; a wrong signature, a replay and an unknown invoice change nothing', async () => {
  const inv = issuedInvoice('Ольга Павлова');
  const r0 = await server.api('/api/payments/webhook');
  assert.equal(r0.status, 200);
  const hook = await r0.json();
  assert.equal(hook.url, server.url + '/api/payments/webhook');
  assert.ok(hook.secret.length >= 40);
  const count = () => sql(server.db, `SELECT count(*) FROM payments WHERE invoice_id = '${inv.invoice}'`);
  const notice = { provider: 'yookassa', payment_id: '2c5d-0001', invoice: inv.number, amount_minor: inv.total, currency: 'RUB', paid_on: '2026-12-02' };

  // Wrong secret, a tampered body, no header: 401, nothing recorded.
  for (const [what, opts] of [['another secret', { signature: 'sha256=' + createHmac('sha256', 'not-the-secret').update(JSON.stringify(notice)).digest('hex') }],
    ['a tampered body', { raw: JSON.stringify({ ...notice, amount_minor: 1 }), signature: 'sha256=' + createHmac('sha256', hook.secret).update(JSON.stringify(notice)).digest('hex') }],
    ['no signature', { signature: '' }], ['not hex', { signature: 'sha256=zz' }]]) {
    const r = await notify(hook.secret, notice, opts);
    assert.equal(r.status, 401, what);
    assert.match((await r.json()).error, /X-Atelier-Signature/);
    assert.equal(count(), '0', what);
  }

  // The real notice: paid, with an event in the journal.
  let r = await notify(hook.secret, notice);
  assert.equal(r.status, 200);
  let j = await r.json();
  assert.equal(j.status, 'paid');
  assert.equal(j.duplicate, false);
  assert.equal(count(), '1');
  assert.equal(sql(server.db, `SELECT method || ' ' || reference || ' ' || received_on FROM payments WHERE invoice_id = '${inv.invoice}'`), 'online online:yookassa:2c5d-0001 2026-12-02');
  assert.equal(sql(server.db, `SELECT count(*) FROM events WHERE lead_id = '${inv.lead}' AND kind = 'payment_recorded'`), '1');

  // The provider delivers it again: one payment, one event.
  r = await notify(hook.secret, notice);
  assert.equal(r.status, 200);
  j = await r.json();
  assert.equal(j.duplicate, true);
  assert.equal(count(), '1');
  assert.equal(sql(server.db, `SELECT count(*) FROM events WHERE lead_id = '${inv.lead}' AND kind = 'payment_recorded'`), '1');

  // The client's page says it is paid and hides the QR code.
  const page = await (await fetch(`${server.url}/c/${inv.token}`)).text();
  assert.match(page, /Счёт оплачен/);
  assert.match(page, /\.qr-block\{display:none\}/);

  // An unknown invoice, a wrong currency, bad fields: refused with the reason, nothing recorded.
  const before = sql(server.db, 'SELECT count(*) FROM payments');
  const other = issuedInvoice('Ирина Белова');
  for (const [n, status, re] of [
    [{ ...notice, payment_id: 'x1', invoice: '1999-9999' }, 404, /invoice: no invoice numbered "1999-9999"/],
    [{ ...notice, payment_id: 'x2', invoice: other.number, currency: 'EUR' }, 409, /currency: the invoice is in RUB, the payment in EUR/],
    [{ ...notice, payment_id: 'x3', invoice: other.number, amount_minor: other.total + 1 }, 409, /exceeds what is left to pay/],
    [{ ...notice, payment_id: 'x4', invoice: other.number, amount_minor: '100' }, 400, /amount_minor: expected a whole number/],
    [{ ...notice, payment_id: undefined, invoice: other.number }, 400, /payment_id: required/],
    [{ ...notice, payment_id: 'x5', invoice: other.number, provider: 'a b' }, 400, /provider: expected letters/],
  ]) {
    r = await notify(hook.secret, n);
    assert.equal(r.status, status, JSON.stringify(n));
    assert.match((await r.json()).error, re);
  }
  r = await notify(hook.secret, null, { raw: '{"provider":' });
  assert.equal(r.status, 400);
  assert.equal(sql(server.db, 'SELECT count(*) FROM payments'), before);

  // A part payment, then the rest: partially paid, then paid.
  r = await notify(hook.secret, { ...notice, payment_id: 'p1', invoice: other.number, amount_minor: 1000 });
  assert.equal((await r.json()).status, 'partially_paid');
  r = await notify(hook.secret, { ...notice, payment_id: 'p2', invoice: other.number, amount_minor: other.total - 1000 });
  assert.equal((await r.json()).status, 'paid');

  // A new secret: the old one stops working.
  const fresh = await (await server.api('/api/payments/webhook/secret', { method: 'POST' })).json();
  assert.notEqual(fresh.secret, hook.secret);
  const third = issuedInvoice('Пётр Лесной');
  r = await notify(hook.secret, { ...notice, payment_id: 'n1', invoice: third.number });
  assert.equal(r.status, 401);
  r = await notify(fresh.secret, { ...notice, payment_id: 'n1', invoice: third.number });
  assert.equal(r.status, 200);
});

test('payment link: the manager sets where to pay online; the client\'s page offers it until the invoice is paid', async () => {
  const inv = issuedInvoice('Claire Dubois', 'EUR', 'fr');
  let r = await server.api(`/api/invoices/${inv.invoice}/payment-url`, { method: 'PUT', body: { url: 'javascript:alert(1)' } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /payment_url: expected an https:\/\/ or http:\/\/ address/);
  r = await server.api(`/api/invoices/${inv.invoice}/payment-url`, { method: 'PUT', body: { url: 'https://pay.example.com/i/42?x="<b>' } });
  assert.equal(r.status, 400);
  r = await server.api(`/api/invoices/no-such/payment-url`, { method: 'PUT', body: { url: 'https://pay.example.com/i/42' } });
  assert.equal(r.status, 404);
  r = await server.api(`/api/invoices/${inv.invoice}/payment-url`, { method: 'PUT', body: { url: 'https://pay.example.com/i/42?a=1&b=2' } });
  assert.equal(r.status, 200);
  let page = await (await fetch(`${server.url}/c/${inv.token}`)).text();
  assert.match(page, /<a class="pay-online" href="https:\/\/pay\.example\.com\/i\/42\?a=1&amp;b=2"[^>]*>Payer en ligne<\/a>/);
  // Paid: the link is gone, the page says so.
  sql(server.db, `SELECT atelier_payment_record('${inv.invoice}', ${inv.total}, 'vir-1', '2026-12-03')`);
  page = await (await fetch(`${server.url}/c/${inv.token}`)).text();
  assert.doesNotMatch(page, /pay-online/);
  assert.match(page, /Facture payée/);
  // The secret stays on the server: no sync bundle carries it to a device.
  const secret = sql(server.db, "SELECT value FROM server_secrets WHERE key = 'payments_webhook'");
  assert.ok(secret.length >= 40);
  const pulled = await (await server.api('/api/sync/pull?since=0&limit=100000')).text();
  assert.ok(pulled.includes(inv.invoice), 'the pull has the invoice');
  assert.ok(!pulled.includes(secret), 'the webhook secret is in a sync bundle');
});

// A month's statement from the bank, as 1C exports it: Windows-1251, CRLF.
// With encoding 'CP866' it is the same statement as DOS programs write it
// (Кодировка=DOS); declared, the header says which unless `declared` says otherwise.
function statement(values, encoding = 'CP1251', declared = encoding === 'CP866' ? 'DOS' : 'Windows', edit = (t) => t) {
  let text = readFileSync(join(root, 'tests', 'fixtures', 'statement-1c.txt'), 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.replaceAll(`{{${k}}}`, v);
  assert.doesNotMatch(text, /\{\{/);
  text = edit(text.replace('Кодировка=Windows', `Кодировка=${declared}`));
  const bytes = execFileSync('iconv', ['-f', 'UTF-8', '-t', encoding], { input: text.replace(/\n/g, '\r\n') });
  assert.equal(bytes.indexOf(Buffer.from('Сумма', 'utf8')), -1, 'the file is 8-bit, not UTF-8');
  return bytes;
}
const rub = (minor) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
const ddmmyyyy = (iso) => iso.split('-').reverse().join('.');

test('bank statement: certain payments recorded, a partial one too, the uncertain listed for the manager, a second import records nothing', async () => {
  const a = issuedInvoice('Анна Северная');
  const b = issuedInvoice('Ирина Белова');
  const c = issuedInvoice('Лес Лесной');
  const d = issuedInvoice('Дмитрий Иванов');
  const inn = (lead, v) => sql(server.db, `UPDATE clients SET requisites_json = json_object('inn', '${v}') WHERE id = (SELECT client_id FROM leads WHERE id = '${lead}')`);
  inn(a.lead, '7701234567');
  inn(c.lead, '7814000017');
  inn(d.lead, '7700000001');
  const account = JSON.parse(sql(server.db, 'SELECT bank_json FROM studio')).account;
  const issued = sql(server.db, `SELECT issued_on FROM invoices WHERE id = '${a.invoice}'`);
  const bytes = statement({ ACCOUNT: account, A_SUM: rub(a.total), A_NUMBER: a.number, A_DATE: ddmmyyyy(issued),
    B_SUM: '1000.00', B_NUMBER: b.number, C_SUM: rub(c.total), IN_TOTAL: rub(a.total + 100000 + c.total + 315000) });
  const dir = mkdtempSync(join(tmpdir(), 'atelier-bank-'));
  const file = join(dir, 'kl_to_1c.txt');
  writeFileSync(file, bytes);

  // From the command line, beside the running server.
  const out = JSON.parse(execFileSync(join(root, 'build', 'native', 'atelier'), ['bank', 'import', file, '--db', server.db], { encoding: 'utf8' }));
  assert.deepEqual({ lines: out.lines, incoming: out.incoming, recorded: out.recorded, partial: out.partial, to_confirm: out.to_confirm,
    unmatched: out.unmatched, duplicates: out.duplicates }, { lines: 5, incoming: 4, recorded: 2, partial: 1, to_confirm: 1, unmatched: 1, duplicates: 0 });
  const item = (re) => out.items.find(i => re.test(i.purpose));
  assert.equal(item(/за разработку сайта/).status, 'recorded');
  assert.equal(item(/за разработку сайта/).invoice_id, a.invoice);
  assert.equal(item(/за разработку сайта/).payer, 'ИНН 7701234567 ООО "Северный ветер"', 'Windows-1251 read as Cyrillic');
  assert.equal(item(/Частичная/).status, 'recorded');
  assert.equal(item(/Частичная/).partial, true);
  assert.equal(item(/по договору за услуги/).status, 'to_confirm');
  assert.equal(item(/по договору за услуги/).reason, 'no_number');
  assert.equal(item(/по договору за услуги/).invoice_id, c.invoice, 'suggested by amount and the payer INN');
  assert.equal(item(/Возврат/).status, 'unmatched');
  const status = (inv) => sql(server.db, `SELECT status FROM invoices WHERE id = '${inv.invoice}'`);
  assert.equal(status(a), 'paid');
  assert.equal(status(b), 'partially_paid');
  assert.equal(status(c), 'issued');
  assert.equal(sql(server.db, `SELECT received_on || ' ' || amount_minor FROM payments WHERE invoice_id = '${b.invoice}'`), '2026-12-02 100000');

  // The same statement again, uploaded through the server: nothing new.
  const before = sql(server.db, 'SELECT count(*) FROM payments');
  let r = await fetch(server.url + '/api/bank/import?name=kl_to_1c.txt', { method: 'POST', body: bytes, headers: (await authHeaders()) });
  assert.equal(r.status, 200);
  const again = await r.json();
  assert.equal(again.duplicates, 4);
  assert.equal(again.recorded + again.to_confirm + again.unmatched, 0);
  assert.equal(sql(server.db, 'SELECT count(*) FROM payments'), before);

  // The manager confirms the suggested one and sets the stranger's aside.
  const waiting = await (await server.api('/api/bank/lines')).json();
  assert.equal(waiting.length, 1);
  r = await server.api(`/api/bank/lines/${waiting[0].id}/confirm`, { method: 'POST', body: { invoice_id: c.invoice } });
  assert.equal(r.status, 200);
  assert.equal((await r.json()).status, 'paid');
  assert.equal(status(c), 'paid');
  r = await server.api(`/api/bank/lines/${waiting[0].id}/confirm`, { method: 'POST', body: { invoice_id: c.invoice } });
  assert.equal(r.status, 409);
  const strangers = await (await server.api('/api/bank/lines?status=unmatched')).json();
  assert.equal(strangers.length, 1);
  r = await server.api(`/api/bank/lines/${strangers[0].id}/ignore`, { method: 'POST' });
  assert.equal(r.status, 200);
  assert.equal((await (await server.api('/api/bank/lines?status=unmatched')).json()).length, 0);

  // A payer whose INN is not the client's waits for the manager even with the right number.
  const wrong = Buffer.from(['1CClientBankExchange', 'ВерсияФормата=1.03', `РасчСчет=${account}`, 'СекцияДокумент=Платежное поручение',
    'Номер=5', 'Дата=04.12.2026', `Сумма=${rub(d.total)}`, 'ПлательщикИНН=7799999999', `ПолучательСчет=${account}`, 'ДатаПоступило=04.12.2026',
    `НазначениеПлатежа=Оплата счета ${d.number}`, 'КонецДокумента', 'КонецФайла'].join('\n'));
  r = await fetch(server.url + '/api/bank/import', { method: 'POST', body: wrong, headers: (await authHeaders()) });
  const w = await r.json();
  assert.equal(w.to_confirm, 1);
  assert.equal(w.items[0].reason, 'payer_inn');
  assert.equal(status(d), 'issued');

  // A damaged file: the line and the field are named, nothing is recorded.
  const cut = Buffer.from(['1CClientBankExchange', 'СекцияДокумент=Платежное поручение', 'Сумма=12,5,0', 'КонецДокумента'].join('\n'));
  r = await fetch(server.url + '/api/bank/import', { method: 'POST', body: cut, headers: (await authHeaders()) });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /bank: line 2: Сумма: expected an amount like 1234\.56, got "12,5,0"/);
  r = await fetch(server.url + '/api/bank/import', { method: 'POST', body: 'Date;Amount\n', headers: (await authHeaders()) });
  assert.match((await r.json()).error, /not a 1C bank statement/);
});

test('bank statement in DOS encoding (CP866): read and its payment recorded; one whose documents cannot be read is an error naming the line', async () => {
  const a = issuedInvoice('Дарья Досова');
  const account = JSON.parse(sql(server.db, 'SELECT bank_json FROM studio')).account;
  const issued = sql(server.db, `SELECT issued_on FROM invoices WHERE id = '${a.invoice}'`);
  const values = { ACCOUNT: account, A_SUM: rub(a.total), A_NUMBER: a.number, A_DATE: ddmmyyyy(issued),
    B_SUM: '1000.00', B_NUMBER: '1999-0001', C_SUM: '10.00', IN_TOTAL: rub(a.total + 100000 + 1000 + 315000) };
  const dir = mkdtempSync(join(tmpdir(), 'atelier-bank-dos-'));
  const atelier = join(root, 'build', 'native', 'atelier');
  const dos = join(dir, 'kl_to_1c_dos.txt');
  // Other payment orders than the statement of the test before (a bank line
  // is imported once); DOS has no « », its programs write " instead.
  const dosText = (t) => t.replace(/^Номер=(\d+)/gm, 'Номер=7$1').replace(/[«»]/g, '"');
  const bytes = statement(values, 'CP866', 'DOS', dosText);
  assert.equal(bytes.indexOf(Buffer.from('Сумма', 'latin1')), -1);
  assert.ok(bytes.includes(Buffer.from([0x91, 0xE3, 0xAC, 0xAC, 0xA0])), 'Сумма in CP866');
  writeFileSync(dos, bytes);
  const out = JSON.parse(execFileSync(atelier, ['bank', 'import', dos, '--db', server.db], { encoding: 'utf8' }));
  assert.equal(out.lines, 5);
  assert.equal(out.incoming, 4);
  const paid = out.items.find(i => /за разработку сайта/.test(i.purpose));
  assert.equal(paid.status, 'recorded');
  assert.equal(paid.invoice_id, a.invoice);
  assert.equal(paid.payer, 'ИНН 7701234567 ООО "Северный ветер"', 'CP866 read as Cyrillic');
  assert.equal(sql(server.db, `SELECT status FROM invoices WHERE id = '${a.invoice}'`), 'paid');

  // The same DOS bytes said to be Windows: an error naming the line, nothing imported.
  const before = sql(server.db, 'SELECT count(*) FROM bank_lines');
  const lying = join(dir, 'lying.txt');
  writeFileSync(lying, statement(values, 'CP866', 'Windows', dosText));
  const r = spawnSync(atelier, ['bank', 'import', lying, '--db', server.db], { encoding: 'utf8' });
  assert.notEqual(r.status, 0, 'an unreadable statement is not a success');
  assert.match(r.stderr, /line 2: cannot read/);
  // An encoding the format does not define.
  const koi = join(dir, 'koi.txt');
  writeFileSync(koi, statement(values, 'CP1251', 'KOI8'));
  const k = spawnSync(atelier, ['bank', 'import', koi, '--db', server.db], { encoding: 'utf8' });
  assert.notEqual(k.status, 0);
  assert.match(k.stderr, /line 3: Кодировка: expected Windows or DOS, got "KOI8"/);
  // Through the server, the same refusal as a 400 naming the line.
  const h = await fetch(server.url + '/api/bank/import?name=lying.txt', { method: 'POST', body: readFileSync(lying), headers: (await authHeaders()) });
  assert.equal(h.status, 400);
  assert.match((await h.json()).error, /line 2: cannot read/);
  assert.equal(sql(server.db, 'SELECT count(*) FROM bank_lines'), before);
});

test('bank statement as CSV: a bank\'s columns saved once, then its files read by them', async () => {
  const e = issuedInvoice('Жанна Полевая');
  let r = await server.api('/api/bank/mappings/tochka', { method: 'PUT', body: { delimiter: ';', decimal: ',', columns: { date: 'Дата', amount: 'Сумма' , purpose: 'Назначение', payer: 'Контрагент', payer_inn: 'ИНН' , nope: 'x' } } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /mapping\.columns\.nope: unknown/);
  r = await server.api('/api/bank/mappings/tochka', { method: 'PUT', body: { delimiter: ';', decimal: ',', columns: { date: 'Дата', amount: 'Сумма', purpose: 'Назначение', payer: 'Контрагент', payer_inn: 'ИНН' } } });
  assert.equal(r.status, 200);
  const total = `${Math.floor(e.total / 100)},${String(e.total % 100).padStart(2, '0')}`;
  const csv = `Дата;Сумма;Контрагент;ИНН;Назначение\n04.12.2026;${total};"ООО ""Поле""";7712345678;Оплата по счёту № ${e.number}\n04.12.2026;-1200,00;ООО Хостинг;7700000777;Хостинг\n`;
  r = await fetch(server.url + '/api/bank/import?mapping=tochka&name=tochka.csv', { method: 'POST', body: csv, headers: (await authHeaders()) });
  assert.equal(r.status, 200);
  const j = await r.json();
  assert.equal(j.incoming, 1);
  assert.equal(j.recorded, 1);
  assert.equal(j.items[0].payer, 'ООО "Поле"');
  assert.equal(sql(server.db, `SELECT status FROM invoices WHERE id = '${e.invoice}'`), 'paid');
  r = await fetch(server.url + '/api/bank/import?mapping=nosuch', { method: 'POST', body: csv, headers: (await authHeaders()) });
  assert.equal(r.status, 404);
});
