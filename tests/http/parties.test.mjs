// The parties of the documents against a real server: the studio's and the
// client's legal details checked by their check digits, collected from the
// client when the contract is accepted, and printed on contract and invoice;
// the working calendar edited through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { sql, sqlEventually } from '../lib/sql.mjs';
import { acceptedProposal, signedContract } from '../lib/conveyor.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const form = (obj) => new URLSearchParams(obj);

function proposalAccepted(name, lang = 'ru', currency = 'RUB') {
  const p = acceptedProposal(server.db, name, { lang, currency });
  return { lead: p.lead, contract: p.contract, token: sql(server.db, `SELECT atelier_link('contract', '${p.contract}')`) };
}

test('the studio\'s legal details: refused with the field and the problem, kept when right', async () => {
  let r = await server.api('/api/studio/requisites', { method: 'PUT', body: { country: 'ru', kind: 'company', legal_name: 'ООО «Атлас»', inn: '7707083894', bank: 'Банк', bik: '044525974', account: '40802810900001234567' } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /studio: requisites: inn: check digit does not match/);
  r = await server.api('/api/studio/requisites', { method: 'PUT', body: { country: 'fr', legal_name: 'Atelier SAS', siret: '44306184100047', address: 'Paris', iban: 'FR7630006000011234567890188' } });
  assert.match((await r.json()).error, /iban: check digits do not match \(mod 97\)/);
  const before = await (await server.api('/api/studio/requisites')).json();
  assert.equal(before.inn, '780512345671', 'nothing changed');
  r = await server.api('/api/studio/requisites', { method: 'PUT', body: { ...before, kpp: '12' } });
  assert.match((await r.json()).error, /kpp: expected 9 characters/);
  r = await server.api('/api/studio/requisites', { method: 'PUT', body: { ...before, signatory: 'Соколова А. В.' } });
  assert.equal(r.status, 200);
});

test('a client\'s legal details: set by the manager, or by the client on accepting the contract, and printed on the documents', async () => {
  const a = proposalAccepted('Иван Смирнов');
  let r = await server.api(`/api/leads/${a.lead}/requisites`, { method: 'PUT', body: { country: 'ru', inn: '7707083894', ogrn: '1027700132195' } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /requisites: inn: check digit does not match/);
  r = await server.api(`/api/leads/${a.lead}/requisites`, { method: 'PUT', body: { country: 'ru', kind: 'company', legal_name: 'ООО «Ромашка»', address: 'Москва, ул. Садовая, 1' } });
  assert.equal(r.status, 200);
  assert.equal((await r.json()).kind, 'requisites_changed');

  // The client's page asks for the details, prefilled with what the studio has.
  let page = await (await fetch(`${server.url}/c/${a.token}`)).text();
  assert.match(page, /<input id="rq-legal_name" name="rq_legal_name" type="text" value="ООО «Ромашка»"/);
  assert.match(page, /<label for="rq-inn"[^>]*>ИНН<\/label>/);
  // A wrong INN: the page says so in Russian, nothing is signed.
  r = await fetch(`${server.url}/c/${a.token}`, { method: 'POST', body: form({ action: 'accept', name: 'Иван Смирнов', rq_legal_name: 'ООО «Ромашка»', rq_inn: '7707083894' }), redirect: 'manual' });
  assert.equal(r.status, 422);
  page = await r.text();
  assert.match(page, /ИНН: не сходится контрольная цифра/);
  assert.doesNotMatch(page, /atelier:/);
  assert.equal(sql(server.db, `SELECT status FROM contracts WHERE id = '${a.contract}'`), 'sent');
  // Right: signed, and the contract and the invoice name the company with its INN.
  r = await fetch(`${server.url}/c/${a.token}`, { method: 'POST', body: form({ action: 'accept', name: 'Иван Смирнов', rq_legal_name: 'ООО «Ромашка»', rq_inn: '7707083893', rq_kpp: '770701001' }), redirect: 'manual' });
  assert.equal(r.status, 303);
  assert.equal(sql(server.db, `SELECT status FROM contracts WHERE id = '${a.contract}'`), 'accepted');
  const snapshot = sql(server.db, `SELECT snapshot_html FROM contracts WHERE id = '${a.contract}'`);
  assert.match(snapshot, /<strong>ООО «Ромашка»<\/strong><br>Москва, ул\. Садовая, 1<br>ИНН: 7707083893<br>КПП: 770701001/);
  const invoice = sql(server.db, `SELECT snapshot_html FROM invoices WHERE lead_id = '${a.lead}' AND status = 'issued'`);
  assert.match(invoice, /Покупатель:<\/td><td><strong>ООО «Ромашка»<\/strong>, ИНН 7707083893, КПП 770701001/);
  assert.equal(sql(server.db, `SELECT json_extract(requisites_json, '$.inn') FROM clients WHERE id = (SELECT client_id FROM leads WHERE id = '${a.lead}')`), '7707083893');
  const view = await (await server.api(`/api/leads/${a.lead}`)).json();
  assert.equal(view.requisites.legal_name, 'ООО «Ромашка»', 'the card shows them');
  assert.ok(view.events.some(e => e.kind === 'requisites_changed' && e.actor_name === 'Иван Смирнов'), 'the client\'s own change, journaled');

  // A French client is asked for SIRET and TVA, checked the French way.
  const f = proposalAccepted('Claire Dubois', 'fr', 'EUR');
  page = await (await fetch(`${server.url}/c/${f.token}`)).text();
  assert.match(page, /<label for="rq-siret"[^>]*>SIRET<\/label>/);
  assert.doesNotMatch(page, /rq-inn/);
  r = await fetch(`${server.url}/c/${f.token}`, { method: 'POST', body: form({ action: 'accept', name: 'Claire Dubois', rq_legal_name: 'Éclair SARL', rq_siret: '73282932000075' }), redirect: 'manual' });
  assert.equal(r.status, 422);
  assert.match(await r.text(), /SIRET : la clé de contrôle ne correspond pas/);
});

test('the working calendar through the API: the shipped holidays, a worked Saturday, bad input named', async () => {
  let r = await server.api('/api/calendar/ru?year=2027');
  assert.equal(r.status, 200);
  const days = await r.json();
  assert.ok(days.some(d => d.day === '2027-01-07' && !d.working && /Рождество/.test(d.name)));
  assert.ok(days.every(d => d.day.startsWith('2027-')));
  r = await server.api('/api/calendar/ru/2027-01-09', { method: 'PUT', body: { working: true, name: 'Рабочая суббота' } });
  assert.equal(r.status, 200);
  assert.equal(sql(server.db, "SELECT atelier_working_days('2026-12-28', 3, 'ru')"), '2027-01-09');
  r = await server.api('/api/calendar/ru/2027-02-30', { method: 'PUT', body: { working: false } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /calendar: day: no such date/);
  r = await server.api('/api/calendar/ru/2027-02-22', { method: 'PUT', body: { working: 'no' } });
  assert.match((await r.json()).error, /working: expected true/);
});

test('an act of completed work: issued with its stage, sent by rule, signed by the client on its page, frozen', async () => {
  const c = signedContract(server.db, 'Пётр Васильев', { email: 'petr@example.ru' });
  const stage = sql(server.db, `SELECT json_extract(body_json, '$.timeline[0].stage') FROM estimates WHERE lead_id = '${c.lead}'`);
  let r = await server.api(`/api/contracts/${c.contract}/acts`, { method: 'POST', body: { stage } });
  assert.equal(r.status, 409, 'not done yet');
  assert.match((await r.json()).error, /is not completed yet/);
  r = await server.api(`/api/leads/${c.lead}/stages/${stage}/complete`, { method: 'POST', body: {} });
  assert.equal(r.status, 200);
  const actId = (await r.json()).made.act_id;
  // Asked for again: the same act, its number after the contract's, and its client link.
  r = await server.api(`/api/contracts/${c.contract}/acts`, { method: 'POST', body: { stage } });
  assert.equal(r.status, 200);
  const act = await r.json();
  assert.equal(act.id, actId);
  const number = sql(server.db, `SELECT number FROM contracts WHERE id = '${c.contract}'`);
  assert.equal(act.number, `${number}/1`);
  // The rule e-mails the client a link to it.
  const body = await sqlEventually(server.db, `SELECT body FROM outbox WHERE lead_id = '${c.lead}' AND rule = 'act_link'`);
  assert.match(body, /Акт сдачи-приёмки/);
  const token = /\/c\/([A-Za-z0-9_-]{22})/.exec(body)[1];
  let page = await (await fetch(`${server.url}/c/${token}`)).text();
  assert.match(page, new RegExp(`№ ${number}/1`));
  assert.match(page, /name="action" value="accept"/);
  // The client signs it; the page then says so and asks nothing more.
  r = await fetch(`${server.url}/c/${token}`, { method: 'POST', body: form({ action: 'accept', name: 'Пётр Васильев' }), redirect: 'manual' });
  assert.equal(r.status, 303);
  page = await (await fetch(`${server.url}/c/${token}`)).text();
  assert.match(page, /Принято клиентом онлайн: Пётр Васильев/);
  assert.doesNotMatch(page, /value="accept"/);
  assert.equal(sql(server.db, `SELECT status || '|' || signed_channel FROM acts WHERE id = '${actId}'`), 'signed|online');
  assert.equal(await sqlEventually(server.db, `SELECT count(*) FROM outbox WHERE lead_id = '${c.lead}' AND rule = 'act_signed'`), '1');
  // Signed once: a second signature is refused on the page and through the API.
  r = await server.api(`/api/acts/${actId}/sign`, { method: 'POST', body: { channel: 'paper', name: 'Пётр Васильев' } });
  assert.equal(r.status, 409);
  // The card lists it with its state.
  const view = await (await server.api(`/api/leads/${c.lead}`)).json();
  assert.equal(view.documents.find((d) => d.kind === 'act').status, 'signed');
  assert.equal(view.project.stages[0].act.status, 'signed');
});
