// One conveyor, every host: the same lead taken from intake to paid through
// SQL, the JSON API and the client's own pages ends with the same rows —
// stages, events, documents, numbers, totals, payments — and the only
// difference is the one that must show: who accepted, and how.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { sql } from '../lib/sql.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const answers = { company: 'ООО «Ромашка»', activity: 'Цветы', goals: ['leads'], pages: 6, sections: ['about', 'services', 'contacts'],
  content_pages: 8, languages: 1, design_level: 'custom', integrations: ['analytics'], seo: true, urgency: 'normal' };

// The lead as every host reads it (the core's lead_view), reduced to what
// must agree: no ids, no clocks, numbers as their pattern.
export function shape(view) {
  const pattern = n => (n || '').replace(/\d/g, '9');
  return {
    stage: view.stage,
    stages: view.stages.map(s => s.to),
    events: view.events.map(e => [e.kind, e.payload.stage ? e.payload.stage.to : '']),
    documents: view.documents.map(d => [d.kind, d.status || '', pattern(d.number), d.total_minor || 0, d.position || 0]),
    payments: view.payments.map(p => p.amount_minor),
    next: view.next_action.action,
    brief: view.brief && view.brief.answers,
    amount: view.amount_minor,
  };
}

const view = async id => (await server.api(`/api/leads/${id}`)).json();
const ok = async (r, status = 200) => {
  const body = await r.json();
  assert.equal(r.status, status, JSON.stringify(body));
  return body;
};
const token = (v, kind) => (kind === 'brief' ? v.brief : v.documents.filter(d => d.kind === kind && d.link).at(-1)).link.slice(3);

async function payAll(id, pay, issue) {
  let v = await view(id);
  const [first, second] = v.documents.filter(d => d.kind === 'invoice');
  await pay(first);
  await issue(second);
  await pay(second);
  return view(id);
}

async function viaApi() {
  const api = server.api;
  const { id } = await ok(await api('/api/leads', { method: 'POST', body: { client_name: 'Иван Смирнов', email: 'ivan@example.ru', lang: 'ru', currency: 'RUB' } }), 201);
  await ok(await api(`/api/leads/${id}/brief`, { method: 'PUT', body: { template: 'corporate', answers, submit: true } }));
  const est = await ok(await api(`/api/leads/${id}/estimates`, { method: 'POST', body: { start_date: '2026-12-01' } }), 201);
  const proposal = await ok(await api(`/api/estimates/${est.id}/proposal`, { method: 'POST' }), 201);
  const contract = await ok(await api(`/api/proposals/${proposal.id}/accept`, { method: 'POST', body: { channel: 'phone', name: 'Иван Смирнов', note: 'звонок' } }));
  await ok(await api(`/api/contracts/${contract.id}/sign`, { method: 'POST', body: { channel: 'paper', name: 'Иван Смирнов' } }));
  return payAll(id,
    async inv => ok(await api(`/api/invoices/${inv.id}/payments`, { method: 'POST', body: { received_on: '2026-12-02' } })),
    async inv => ok(await api(`/api/invoices/${inv.id}/issue`, { method: 'POST', body: {} })));
}

async function viaClientPages() {
  const api = server.api;
  const post = async (path, fields) => {
    const r = await fetch(server.url + path, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
    assert.ok(r.status === 303 || r.status === 201, `${path}: ${r.status} ${await r.clone().text()}`);
    return r;
  };
  // The site form, then the client's own brief page.
  const r = await fetch(server.url + '/api/leads', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Иван Смирнов', email: 'ivan@example.ru', lang: 'ru' }) });
  const { id } = await ok(r, 201);
  const form = Object.entries(answers).flatMap(([k, v]) =>
    Array.isArray(v) ? v.map(x => [k, x]) : [[k, typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)]]);
  await post('/c/' + token(await view(id), 'brief'), [['action', 'submit'], ...form]);
  const est = await ok(await api(`/api/leads/${id}/estimates`, { method: 'POST', body: { start_date: '2026-12-01' } }), 201);
  await ok(await api(`/api/estimates/${est.id}/proposal`, { method: 'POST' }), 201);
  await post('/c/' + token(await view(id), 'proposal'), { action: 'accept', name: 'Иван Смирнов' });
  await post('/c/' + token(await view(id), 'contract'), { action: 'accept', name: 'Иван Смирнов' });
  return payAll(id,
    async inv => ok(await api(`/api/invoices/${inv.id}/payments`, { method: 'POST', body: { received_on: '2026-12-02' } })),
    async inv => ok(await api(`/api/invoices/${inv.id}/issue`, { method: 'POST', body: {} })));
}

async function viaSql() {
  const db = server.db;
  const anna = `'{"id":"sql-anna","name":"Anna"}'`;
  const id = sql(db, `SELECT atelier_lead_create('{"client_name":"Иван Смирнов","email":"ivan@example.ru","lang":"ru","currency":"RUB"}', ${anna})`);
  sql(db, `SELECT atelier_send_brief('${id}', 'corporate', '${server.url}', ${anna})`);
  sql(db, `SELECT atelier_brief_save('${id}', 'corporate', '${JSON.stringify(answers).replace(/'/g, "''")}', 1, ${anna})`);
  const est = sql(db, `SELECT atelier_estimate_lead('${id}', '{"start_date":"2026-12-01"}', ${anna})`);
  const proposal = sql(db, `SELECT atelier_proposal_create('${est}', ${anna})`);
  sql(db, `SELECT atelier_link('proposal', '${proposal}')`);
  sql(db, `SELECT atelier_proposal_accept('${proposal}', 'Иван Смирнов', '192.0.2.1')`);
  const contract = sql(db, `SELECT id FROM contracts WHERE proposal_id = '${proposal}'`);
  sql(db, `SELECT atelier_link('contract', '${contract}')`);
  sql(db, `SELECT atelier_contract_accept('${contract}', 'Иван Смирнов', '192.0.2.1')`);
  sql(db, `SELECT atelier_link('invoice', id) FROM invoices WHERE contract_id = '${contract}'`);
  const today = new Date().toISOString().slice(0, 10);
  return payAll(id,
    async inv => sql(db, `SELECT atelier_payment_record('${inv.id}', total_minor, 'sql-${inv.id}', '2026-12-02') FROM invoices WHERE id = '${inv.id}'`),
    async inv => sql(db, `SELECT atelier_invoice_issue('${inv.id}', '${today}', 5, ${anna})`));
}

test('one lead from intake to paid through SQL, the JSON API and the client pages: the same rows', async () => {
  const api = await viaApi();
  const client = await viaClientPages();
  const bySql = await viaSql();
  assert.equal(api.stage, 'won');
  assert.deepEqual(shape(client), shape(api));
  assert.deepEqual(shape(bySql), shape(api));
  assert.deepEqual(api.events.map(e => e.kind), ['lead_created', 'brief_sent', 'brief_submitted', 'estimated', 'proposal_created',
    'proposal_accepted', 'contract_signed', 'project_stage_started', 'payment_recorded', 'invoice_issued', 'payment_recorded']);

  // Who acted, and how: the API's acts are the logged-in owner's, the
  // client's are the client's, SQL's are the named actor's.
  const actors = v => v.events.map(e => `${e.kind}:${e.actor === 'client' || e.actor === 'system' ? e.actor : e.channel}`);
  assert.deepEqual(actors(api).slice(0, 7), ['lead_created:api', 'brief_sent:system', 'brief_submitted:api', 'estimated:api',
    'proposal_created:api', 'proposal_accepted:api', 'contract_signed:api']);
  assert.deepEqual(actors(client).slice(0, 7), ['lead_created:client', 'brief_sent:system', 'brief_submitted:client', 'estimated:api',
    'proposal_created:api', 'proposal_accepted:client', 'contract_signed:client']);
  assert.deepEqual(actors(bySql).slice(0, 7), ['lead_created:sql', 'brief_sent:sql', 'brief_submitted:sql', 'estimated:sql',
    'proposal_created:sql', 'proposal_accepted:client', 'contract_signed:client']);
  assert.ok(api.events.filter(e => e.channel === 'api').every(e => e.actor_name === 'Ольга Соколова' || e.actor_name.length > 0));

  // The acceptance a manager records differs from the client's own: in the
  // journal and on the document.
  const accepted = v => v.events.find(e => e.kind === 'proposal_accepted').payload;
  assert.equal(accepted(api).channel, 'phone');
  assert.ok(accepted(api).recorded_by);
  assert.equal(accepted(client).channel, 'online');
  assert.equal(accepted(client).recorded_by, undefined);
  const doc = async v => (await server.api(`/api/documents/proposal/${v.documents.find(d => d.kind === 'proposal').id}?lang=ru`)).text();
  assert.match(await doc(api), /Принято по телефону: Иван Смирнов, [\d.]+ \(записано менеджером: /);
  assert.match(await doc(client), /Принято клиентом онлайн: Иван Смирнов/);
  assert.doesNotMatch(await doc(api), /онлайн/);
});
