// What only the studio decides, seen through a real server: a client who
// rewrites the brief after the estimate, and documents whose numbers are not
// known yet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { sql, sqlEventually } from '../lib/sql.mjs';

let server;
before(async () => { server = await startServer({ args: ['--intake-per-minute', '1000'] }); });
after(async () => { await server.stop(); });

const answers = { company: 'Cabinet Lefèvre', activity: 'Avocats', goals: ['leads'], pages: 5, sections: ['about', 'team', 'contacts'],
  content_pages: 8, languages: 1, design_level: 'template', integrations: ['crm'], seo: false, urgency: 'normal' };

test('a brief re-submitted after the contract is a new version: the studio is told, nothing estimated changes', async () => {
  const api = server.api;
  let r = await api('/api/leads', { method: 'POST', body: { client_name: 'François Lefèvre', email: 'fl@cabinet.fr', lang: 'fr', currency: 'EUR' } });
  const { id: lead } = await r.json();
  const token = /\/c\/([A-Za-z0-9_-]{22})/.exec(await sqlEventually(server.db, `SELECT body FROM outbox WHERE lead_id = '${lead}' AND rule = 'brief_link'`))[1];
  r = await api(`/api/leads/${lead}/brief`, { method: 'PUT', body: { template: 'corporate', submit: true, answers } });
  assert.equal(r.status, 200);
  const est = await (await api(`/api/leads/${lead}/estimates`, { method: 'POST', body: { start_date: '2026-12-01' } })).json();
  const proposal = await (await api(`/api/estimates/${est.id}/proposal`, { method: 'POST' })).json();
  const contract = await (await api(`/api/proposals/${proposal.id}/accept`, { method: 'POST', body: { channel: 'phone', name: 'François Lefèvre' } })).json();
  await api(`/api/contracts/${contract.id}/sign`, { method: 'POST', body: { channel: 'paper', name: 'François Lefèvre' } });
  const estimateBefore = sql(server.db, `SELECT body_json FROM estimates WHERE lead_id = '${lead}'`);
  const totalBefore = sql(server.db, `SELECT group_concat(total_minor) FROM invoices WHERE lead_id = '${lead}'`);

  // The client opens the old link and asks for much more.
  const form = new URLSearchParams({ action: 'submit', company: 'Cabinet Lefèvre', activity: 'Avocats', goals: 'leads', pages: '40',
    sections: 'about', content_pages: '8', languages: '1', design_level: 'premium', seo: 'no', urgency: 'rush' });
  r = await fetch(`${server.url}/c/${token}`, { method: 'POST', body: form, redirect: 'manual' });
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /done=revised$/);
  const page = await (await fetch(server.url + r.headers.get('location'))).text();
  assert.match(page, /nouvelle version du brief, et le studio en est informé/);
  assert.match(page, /value="40"/, 'the form shows the new version');

  const versions = sql(server.db, `SELECT json_extract(answers_json, '$.pages') FROM briefs WHERE lead_id = '${lead}' ORDER BY updated_at, rowid`);
  assert.equal(versions, '5\n40');
  assert.equal(sql(server.db, `SELECT json_extract(b.answers_json, '$.pages') FROM estimates e JOIN briefs b ON b.id = e.brief_id WHERE e.lead_id = '${lead}'`), '5');
  assert.equal(sql(server.db, `SELECT body_json FROM estimates WHERE lead_id = '${lead}'`), estimateBefore);
  assert.equal(sql(server.db, `SELECT group_concat(total_minor) FROM invoices WHERE lead_id = '${lead}'`), totalBefore);
  assert.equal(sql(server.db, `SELECT stage FROM leads WHERE id = '${lead}'`), 'invoiced');
  assert.equal(await sqlEventually(server.db, `SELECT count(*) FROM outbox WHERE lead_id = '${lead}' AND rule = 'brief_revised'`, r => r !== '0'), '1');
  // The manager's next estimate is made from the new version.
  const est2 = await (await api(`/api/leads/${lead}/estimates`, { method: 'POST', body: { start_date: '2026-12-01' } })).json();
  assert.ok(est2.estimate.total > est.estimate.total, `${est2.estimate.total} > ${est.estimate.total}`);
});

test('a contract or an invoice without its number yet says "draft — number on issue", never a provisional code', async () => {
  const db = server.db;
  const [lead] = sql(db, "SELECT atelier_lead_create('{\"client_name\":\"Draft Client\",\"lang\":\"ru\"}', 'anna')").split('\n');
  sql(db, `SELECT atelier_brief_save('${lead}', 'corporate', '${JSON.stringify(answers)}', 1, 'anna')`);
  const est = sql(db, `SELECT atelier_estimate_lead('${lead}', '{"start_date":"2026-12-01"}', 'anna')`);
  const prop = sql(db, `SELECT atelier_proposal_create('${est}', 'anna')`);
  sql(db, `SELECT atelier_proposal_accept('${prop}', 'Клиент', '127.0.0.1')`);
  const contract = sql(db, `SELECT atelier_contract_create('${prop}', 'anna')`);
  const inv = JSON.parse(sql(db, `SELECT atelier_invoices_create('${contract}', '2026-11-27', 5, 'anna')`));
  // As a device's copy would hold them before the server numbers them.
  sql(db, `UPDATE invoices SET number = NULL, provisional_number = 'D-8fa6-0004', snapshot_html = NULL WHERE id = '${inv[0]}'`);
  sql(db, `UPDATE contracts SET number = NULL, provisional_number = 'D-8fa6-0003' WHERE id = '${contract}'`);
  const html = await (await server.api(`/api/documents/invoice/${inv[0]}?lang=ru`)).text();
  assert.match(html, /№ черновик — номер при выставлении/);
  assert.doesNotMatch(html, /D-8fa6-0004/);
  const chtml = await (await server.api(`/api/documents/contract/${contract}?lang=fr`)).text();
  assert.match(chtml, /brouillon — numéro attribué à l’émission/);
  assert.doesNotMatch(chtml, /D-8fa6-0003/);
});

test('one number format per series, set by the owner from a year on; numbers already given keep theirs', async () => {
  let r = await server.api('/api/numbering/invoice', { method: 'PUT', body: { prefix: 'F-', year: true, width: 5, from_year: 2030 } });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { sample: 'F-2030-00001' });
  assert.equal(sql(server.db, "SELECT atelier_next_number('invoice', 2030)"), 'F-2030-00001');
  assert.equal(sql(server.db, "SELECT atelier_next_number('invoice', 2031)"), 'F-2031-00001', 'later years follow');
  r = await server.api('/api/numbering/contract', { method: 'PUT', body: { prefix: 'Д-', width: 4 } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /prefix: use only Latin letters, digits/);
  r = await server.api('/api/numbering/receipt', { method: 'PUT', body: { prefix: 'R-' } });
  assert.equal(r.status, 404);
  // A manager may not.
  r = await server.api('/api/users', { method: 'POST', body: { email: 'num@atlas.example', password: 'manager-password-9', role: 'manager' } });
  assert.equal(r.status, 201);
  const login = await fetch(server.url + '/api/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'num@atlas.example', password: 'manager-password-9' }) });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const { csrf_token } = await login.json();
  r = await fetch(server.url + '/api/numbering/invoice', { method: 'PUT',
    headers: { cookie, 'x-csrf-token': csrf_token, 'content-type': 'application/json' }, body: JSON.stringify({ prefix: 'X-' }) });
  assert.equal(r.status, 403);
});
