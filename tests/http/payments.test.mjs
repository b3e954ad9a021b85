// Money coming in from outside, against a real server on loopback: an
// online payment provider's signed notice, and the invoice's payment link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { sql } from '../lib/sql.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const anna = `'{"id":"u-anna","name":"Anna"}'`;

// A signed contract with its first invoice issued: {lead, invoice, number, total, token}.
function issuedInvoice(name, currency = 'RUB', lang = 'ru') {
  const lead = sql(server.db, `SELECT atelier_lead_create('{"client_name":"${name}","email":"c@example.com","lang":"${lang}","currency":"${currency}"}', 'anna')`);
  sql(server.db, `SELECT atelier_brief_save('${lead}', 'landing', '{"company":"X","activity":"Y","goals":["leads"],"pages":2,"languages":1,"design_level":"template","urgency":"normal"}', 1, 'anna')`);
  const proposal = sql(server.db, `SELECT atelier_proposal_create(atelier_estimate_lead('${lead}', '{"start_date":"2026-12-01"}', 'anna'), 'anna')`);
  sql(server.db, `SELECT atelier_proposal_accept('${proposal}', '{"channel":"phone","name":"${name}"}', ${anna})`);
  const contract = sql(server.db, `SELECT id FROM contracts WHERE lead_id = '${lead}'`);
  sql(server.db, `SELECT atelier_contract_accept('${contract}', '{"channel":"paper","name":"${name}"}', ${anna})`);
  const inv = JSON.parse(sql(server.db, `SELECT json_object('id', id, 'number', number, 'total', total_minor) FROM invoices WHERE lead_id = '${lead}' AND status = 'issued'`));
  return { lead, invoice: inv.id, number: inv.number, total: inv.total, token: sql(server.db, `SELECT atelier_link('invoice', '${inv.id}')`) };
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
