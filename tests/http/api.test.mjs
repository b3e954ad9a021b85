// The manager's JSON API and accounts, against a real server on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freePort, root, OWNER_PASSWORD } from '../lib/server.mjs';
import { sql } from '../lib/sql.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const json = (method, body, headers = {}) => ({ method, headers: { 'content-type': 'application/json', ...headers },
  body: body === undefined ? undefined : JSON.stringify(body) });

test('accounts: argon2id hashes, log-in, CSRF on writes, API tokens', async () => {
  assert.match(sql(server.db, "SELECT password_hash FROM users WHERE role = 'owner' AND password_hash != ''"), /^\$argon2id\$/);
  assert.equal((await fetch(server.url + '/api/leads')).status, 401);
  const email = sql(server.db, "SELECT email FROM users WHERE password_hash != ''");
  let r = await fetch(server.url + '/api/login', json('POST', { email, password: 'wrong-password' }));
  assert.equal(r.status, 401);
  assert.match((await r.json()).error, /wrong e-mail or password/);
  r = await fetch(server.url + '/api/login', json('POST', { email: 'nobody@example.com', password: OWNER_PASSWORD }));
  assert.equal(r.status, 401);
  r = await fetch(server.url + '/api/login', json('POST', { email, password: OWNER_PASSWORD }));
  assert.equal(r.status, 200);
  const setCookie = r.headers.get('set-cookie');
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  const cookie = setCookie.split(';')[0];
  const { csrf_token } = await r.json();
  assert.equal((await fetch(server.url + '/api/leads', { headers: { cookie } })).status, 200);
  // A write with the cookie but without the CSRF token is refused.
  r = await fetch(server.url + '/api/tokens', json('POST', { name: 'app' }, { cookie }));
  assert.equal(r.status, 403);
  r = await fetch(server.url + '/api/tokens', json('POST', { name: 'app' }, { cookie, 'x-csrf-token': csrf_token }));
  assert.equal(r.status, 201);
  const { token } = await r.json();
  assert.equal(token.length, 64);
  assert.equal(sql(server.db, 'SELECT count(*) FROM api_tokens WHERE token_hash = ' + `'${token}'`), '0', 'stored hashed');
  r = await fetch(server.url + '/api/leads?limit=1', { headers: { authorization: 'Bearer ' + token } });
  assert.equal(r.status, 200);
  assert.equal((await fetch(server.url + '/api/leads', { headers: { authorization: 'Bearer ' + 'f'.repeat(64) } })).status, 401);
  r = await fetch(server.url + '/api/logout', json('POST', {}, { cookie, 'x-csrf-token': csrf_token }));
  assert.equal(r.status, 200);
  assert.equal((await fetch(server.url + '/api/leads', { headers: { cookie } })).status, 401);
});

test('the owner adds managers; a manager cannot', async () => {
  let r = await server.api('/api/users', { method: 'POST', body: { email: 'pavel@atlas-studio.ru', name: 'Павел', password: 'short', role: 'manager' } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /password: at least 10 characters/);
  r = await server.api('/api/users', { method: 'POST', body: { email: 'pavel@atlas-studio.ru', name: 'Павел', password: 'manager-password-1' } });
  assert.equal(r.status, 201);
  r = await server.api('/api/users', { method: 'POST', body: { email: 'pavel@atlas-studio.ru', password: 'manager-password-1' } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /exists already/);
  r = await fetch(server.url + '/api/login', json('POST', { email: 'pavel@atlas-studio.ru', password: 'manager-password-1' }));
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf_token } = await r.json();
  r = await fetch(server.url + '/api/users', json('POST', { email: 'x@y.z', password: 'manager-password-2' }, { cookie, 'x-csrf-token': csrf_token }));
  assert.equal(r.status, 403);
  assert.equal((await fetch(server.url + '/api/leads?limit=2', { headers: { cookie } })).status, 200);
});

test('the first start of a new database creates the owner and prints the password once', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'atelier-')), 'new.db');
  const port = await freePort();
  const start = () => new Promise((resolve, reject) => {
    const p = spawn(join(root, 'build', 'native', 'atelier'), ['serve', '--db', db, '--port', String(port), '--no-demo', '--quiet']);
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Atelier is running')) { p.kill('SIGTERM'); }
    });
    p.on('exit', () => resolve(out));
    p.on('error', reject);
  });
  const first = await start();
  const m = /Owner account created: (\S+), password (\S+)/.exec(first);
  assert.ok(m, first);
  const second = await start();
  assert.doesNotMatch(second, /password/);
  assert.match(sql(db, 'SELECT password_hash FROM users'), /^\$argon2id\$/);
});

test('the conveyor through the API, with errors naming the field', async () => {
  const api = server.api;
  let r = await api('/api/leads', { method: 'POST', body: { client_name: 'François Lefèvre', email: 'fl@cabinet.fr', lang: 'fr', currency: 'EUR' } });
  const { id } = await r.json();

  r = await api(`/api/leads/${id}/brief`, { method: 'PUT', body: { template: 'corporate', answers: { pages: 0 }, submit: true } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /pages: must be at least 1/);
  r = await api(`/api/leads/${id}/brief`, { method: 'PUT', body: { template: 'corporate', submit: true, answers: {
    company: 'Cabinet Lefèvre', activity: 'Avocats', goals: ['leads'], pages: 6, sections: ['about', 'team', 'contacts'],
    content_pages: 8, languages: 2, design_level: 'custom', integrations: ['crm'], seo: true, urgency: 'normal' } } });
  assert.equal(r.status, 200);

  r = await api(`/api/leads/${id}/estimates`, { method: 'POST', body: { start_date: '2026-12-01', discount: 'nope' } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /options.discount: unknown discount "nope"/);
  r = await api(`/api/leads/${id}/estimates`, { method: 'POST', body: { start_date: '2026-12-01' } });
  assert.equal(r.status, 201);
  const est = await r.json();
  assert.equal(est.estimate.currency, 'EUR');
  assert.equal(est.estimate.lines.reduce((s, l) => s + l.amount, 0), est.estimate.subtotal);

  r = await api(`/api/estimates/${est.id}/proposal`, { method: 'POST' });
  const proposal = await r.json();
  assert.match(proposal.url, new RegExp('^' + server.url + '/c/[A-Za-z0-9_-]{22}$'));
  r = await api(`/api/proposals/${proposal.id}/contract`, { method: 'POST' });
  assert.equal(r.status, 409);
  assert.match((await r.json()).error, /must be accepted first/);
  // The manager records the client's acceptance by phone: never "online", always with the channel.
  r = await api(`/api/proposals/${proposal.id}/accept`, { method: 'POST', body: { channel: 'online', name: 'François Lefèvre' } });
  assert.equal(r.status, 403);
  r = await api(`/api/proposals/${proposal.id}/accept`, { method: 'POST', body: { channel: 'phone', name: 'François Lefèvre', note: 'appel du 26/11' } });
  assert.equal(r.status, 200);
  const contract = await r.json();
  assert.equal(contract.kind, 'proposal_accepted');
  assert.deepEqual(contract.stage, { from: 'proposal_sent', to: 'contract_sent' });
  assert.match(contract.url, new RegExp('^' + server.url + '/c/[A-Za-z0-9_-]{22}$'));
  r = await api(`/api/proposals/${proposal.id}/accept`, { method: 'POST', body: { channel: 'phone', name: 'François Lefèvre' } });
  assert.equal(r.status, 409);
  r = await api(`/api/leads/${id}`);
  assert.equal((await r.json()).next_action.action, 'sign_contract');
  r = await api(`/api/contracts/${contract.id}/sign`, { method: 'POST', body: { channel: 'paper', name: 'François Lefèvre', note: 'scan reçu' } });
  assert.equal(r.status, 200);
  const inv = await r.json();
  assert.equal(inv.ids.length, 2);
  assert.equal(inv.urls.length, 2);
  // Won is refused while invoices are unpaid, for a manager and an owner without a reason.
  r = await api(`/api/leads/${id}/won`, { method: 'POST', body: {} });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /win: reason:/);
  const html = await (await api(`/api/documents/invoice/${inv.ids[0]}?lang=fr`)).text();
  assert.match(html, /Facture/);
  assert.match(html, /Arrêtée à la somme de/);
  assert.equal((await api(`/api/documents/invoice/${inv.ids[0]}?lang=de`)).status, 400);
  assert.equal((await api(`/api/documents/invoice/no-such-id`)).status, 404);

  // The balance is planned until the launch: not payable, then issued.
  r = await api(`/api/invoices/${inv.ids[1]}/payments`, { method: 'POST', body: { amount_minor: 100, reference: 'early', received_on: '2026-11-30' } });
  assert.equal(r.status, 409);
  assert.match((await r.json()).error, /the invoice is draft/);
  // The project's stages: the design done issues nothing (the balance is due
  // at launch); a stage the project does not have is refused.
  r = await api(`/api/leads/${id}/stages/design/complete`, { method: 'POST' });
  assert.equal(r.status, 200);
  assert.deepEqual((await r.json()).made.invoice_ids, []);
  r = await api(`/api/leads/${id}/stages/handover/complete`, { method: 'POST' });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /stage: stage: expected one of the project's stages: "research", "design"/);
  r = await api(`/api/leads/${id}/stages/design/complete`, { method: 'POST' });
  assert.equal(r.status, 409);
  assert.equal((await (await api(`/api/leads/${id}`)).json()).next_action.action, 'pay_invoice');
  // The manager may issue the balance before the launch, with its own dates.
  r = await api(`/api/invoices/${inv.ids[1]}/issue`, { method: 'POST', body: { issued_on: '2026-12-21', due_days: 5 } });
  assert.equal(r.status, 200);
  const issued = await r.json();
  assert.match(issued.number, /^\d{4}-\d{4}$/);
  assert.match(issued.url, new RegExp('^' + server.url + '/c/[A-Za-z0-9_-]{22}$'));
  assert.equal(sql(server.db, `SELECT due_on FROM invoices WHERE id = '${inv.ids[1]}'`), '2026-12-29', 'five working days; Christmas is a holiday in France');
  r = await api(`/api/invoices/${inv.ids[1]}/issue`, { method: 'POST', body: {} });
  assert.equal(r.status, 409);
  r = await api(`/api/leads/${id}/stages/launch/complete`, { method: 'POST' });
  assert.deepEqual((await r.json()).made.invoice_ids, [], 'issued already: the launch issues it no second time');
  for (const invoice of inv.ids) {
    const total = Number(sql(server.db, `SELECT total_minor FROM invoices WHERE id = '${invoice}'`));
    r = await api(`/api/invoices/${invoice}/payments`, { method: 'POST', body: { amount_minor: total, reference: 'virement-' + invoice, received_on: '2026-11-30' } });
    assert.equal((await r.json()).status, 'paid');
  }
  r = await api(`/api/invoices/${inv.ids[0]}/payments`, { method: 'POST', body: { amount_minor: 'lots', reference: 'x' } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /amount_minor: expected an integer/);

  const lead = await (await api(`/api/leads/${id}`)).json();
  assert.equal(lead.stage, 'won');
  assert.deepEqual(lead.stages.map(e => e.to), ['new', 'brief_sent', 'brief_filled', 'estimated', 'proposal_sent', 'contract_sent', 'invoiced', 'won']);
  assert.deepEqual(lead.events.map(e => e.kind), ['lead_created', 'brief_sent', 'brief_submitted', 'estimated', 'proposal_created',
    'proposal_accepted', 'contract_signed', 'project_stage_started', 'stage_completed', 'act_issued', 'invoice_issued', 'stage_completed', 'act_issued', 'payment_recorded', 'payment_recorded']);
  assert.equal(lead.events[5].payload.channel, 'phone');
  assert.ok(lead.events.filter(e => e.actor !== 'system').every(e => e.actor_name && e.channel === 'api'));
  assert.equal(lead.next_action.action, 'none');
  assert.deepEqual(lead.documents.map(d => d.kind), ['estimate', 'proposal', 'contract', 'invoice', 'invoice', 'act', 'act']);
  assert.equal((await api('/api/leads/no-such-lead')).status, 404);
  r = await api(`/api/leads/${id}/move`, { method: 'POST', body: { to: 'new' } });
  assert.equal(r.status, 409);
  assert.match((await r.json()).error, /cannot move a lead from 'won' to 'new'/);
  const outbox = await (await api('/api/outbox')).json();
  assert.ok(outbox.some(n => n.lead_id === id && n.rule === 'brief_link'));
});

test('the client\'s contacts are corrected through the API; a bad e-mail is refused, naming the field, and changes nothing', async () => {
  const api = server.api;
  // The address the client mistyped in the site form, corrected by the manager.
  const made = await (await api('/api/leads', { method: 'POST', body: { client_name: 'Claire Dubois', email: 'claire@exemple.fr', lang: 'fr', currency: 'EUR' } })).json();
  let r = await api(`/api/leads/${made.id}/contacts`, { method: 'PUT', body: { email: 'claire@' } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /contacts: email: "claire@" is not an e-mail address/);
  r = await api(`/api/leads/${made.id}/contacts`, { method: 'PUT', body: { email: 'claire.dubois@eclair.fr', company: 'Éclair Pâtisserie' } });
  assert.equal(r.status, 200);
  assert.equal((await r.json()).kind, 'contacts_changed');
  const lead = await (await api(`/api/leads/${made.id}`)).json();
  assert.equal(lead.email, 'claire.dubois@eclair.fr');
  assert.equal(lead.company, 'Éclair Pâtisserie');
  assert.ok(lead.events.some(e => e.kind === 'contacts_changed' && e.payload.fields.email.to === 'claire.dubois@eclair.fr'));
});
