// Client links, lead intake and backups against a real server on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, root } from '../lib/server.mjs';
import { sql, sqlEventually } from '../lib/sql.mjs';

let server;
before(async () => {
  server = await startServer({ args: ['--cors-origin', 'https://studio.example', '--intake-per-minute', '1000'] });
});
after(async () => { await server.stop(); });

const form = (obj) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) for (const x of [].concat(v)) p.append(k, x);
  return p;
};
const post = (path, body, headers = {}) => fetch(server.url + path, { method: 'POST', body, headers, redirect: 'manual' });
const get = (path) => fetch(server.url + path, { redirect: 'manual' });

async function intake(fields, headers) {
  const r = await post('/api/leads', form(fields), headers);
  return { status: r.status, body: await r.json() };
}

async function outboxLink(leadId) {
  const body = await sqlEventually(server.db, `SELECT body FROM outbox WHERE lead_id = '${leadId}' AND rule = 'brief_link'`);
  const m = /\/c\/([A-Za-z0-9_-]{22})/.exec(body);
  assert.ok(m, `no brief link in the outbox: ${body}`);
  return m[1];
}

test('intake from a site form: lead with UTM tags, and the brief link queued by rule', async () => {
  const r = await intake({ name: 'Ольга Павлова', email: 'olga@kolos.ru', phone: '+7 812 333-44-55',
    message: 'Интернет-магазин', utm_source: 'yandex', utm_campaign: 'autumn', website: '' });
  assert.equal(r.status, 201);
  const id = r.body.id;
  assert.equal(sql(server.db, `SELECT source || '|' || json_extract(utm_json, '$.utm_source') || '|' || stage FROM leads WHERE id = '${id}'`),
    'website|yandex|brief_sent');
  const token = await outboxLink(id);
  assert.ok(sql(server.db, `SELECT body FROM outbox WHERE lead_id = '${id}'`).includes(server.url + '/c/' + token));
  const page = await get('/c/' + token);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('cache-control'), 'no-store');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  const html = await page.text();
  assert.match(html, /Бриф на корпоративный сайт/);
  assert.match(html, /<form method="post"/);
});

test('intake refuses spam and bad input with the right status codes, and writes nothing', async () => {
  const before = sql(server.db, 'SELECT count(*) FROM leads');
  let r = await intake({ name: 'Bot', email: 'bot@spam.example', website: 'http://spam.example' });
  assert.equal(r.status, 422);
  r = await intake({ name: '', email: 'nope' });
  assert.equal(r.status, 400);
  assert.match(r.body.error, /client_name: required/);
  assert.match(r.body.error, /email: "nope" is not an e-mail address/);
  const j = await post('/api/leads', '{"client_name": 5}', { 'content-type': 'application/json' });
  assert.equal(j.status, 400);
  assert.equal(sql(server.db, 'SELECT count(*) FROM leads'), before);
});

test('CORS: configured origins only', async () => {
  let r = await fetch(server.url + '/api/leads', { method: 'OPTIONS', headers: { Origin: 'https://studio.example',
    'Access-Control-Request-Method': 'POST' } });
  assert.equal(r.status, 204);
  assert.equal(r.headers.get('access-control-allow-origin'), 'https://studio.example');
  r = await fetch(server.url + '/api/leads', { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
  assert.equal(r.status, 403);
  const ok = await intake({ name: 'Claire', lang: 'fr' }, { Origin: 'https://studio.example' });
  assert.equal(ok.status, 201);
  const bad = await intake({ name: 'Mallory' }, { Origin: 'https://evil.example' });
  assert.equal(bad.status, 403);
});

test('intake is rate-limited per address', async () => {
  const s = await startServer({ args: ['--intake-per-minute', '3', '--no-demo'] });
  try {
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(s.url + '/api/leads', { method: 'POST', body: form({ name: 'Lead ' + i }) });
      statuses.push(r.status);
      if (r.status === 429) assert.ok(Number(r.headers.get('retry-after')) >= 1);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
  } finally {
    await s.stop();
  }
});

test('the brief form: draft saved and resumed, errors beside the questions with input kept, submit', async () => {
  const { body } = await intake({ name: 'Игорь Смирнов', email: 'igor@smirnov-law.ru' });
  const lead = body.id;
  const token = await outboxLink(lead);
  // A partial draft is saved.
  let r = await post('/c/' + token, form({ action: 'save', company: 'Смирнов и партнёры', pages: '7' }));
  assert.equal(r.status, 303);
  let html = await (await get(r.headers.get('location'))).text();
  assert.match(html, /Черновик сохранён/);
  assert.match(html, /value="Смирнов и партнёры"/);
  assert.match(html, /value="7"/);
  // Submitting with problems: 422, every problem beside its question, input kept.
  r = await post('/c/' + token, form({ action: 'submit', company: 'Смирнов и партнёры', pages: 'семь',
    sections: ['about', 'contacts'] }));
  assert.equal(r.status, 422);
  html = await r.text();
  assert.match(html, /id="e-pages">нужно целое число/);
  assert.match(html, /id="e-activity">обязательный вопрос/);
  assert.match(html, /value="семь"/);
  assert.match(html, /value="about" checked/);
  assert.equal(sql(server.db, `SELECT stage FROM leads WHERE id = '${lead}'`), 'brief_sent');
  // A complete brief moves the lead and tells the studio.
  r = await post('/c/' + token, form({ action: 'submit', company: 'Смирнов и партнёры', activity: 'Юридические услуги',
    goals: ['leads', 'brand'], pages: '7', sections: ['about', 'services', 'contacts'], content_pages: '10',
    languages: '1', design_level: 'custom', seo: 'yes', urgency: 'normal' }));
  assert.equal(r.status, 303);
  assert.match(await (await get(r.headers.get('location'))).text(), /Бриф отправлен/);
  assert.equal(sql(server.db, `SELECT stage FROM leads WHERE id = '${lead}'`), 'brief_filled');
  assert.equal(sql(server.db, `SELECT json_extract(answers_json, '$.pages') || '|' || json_extract(answers_json, '$.seo') FROM briefs WHERE lead_id = '${lead}'`), '7|1');
  // The studio is told by rule: an e-mail to the lead's owner.
  assert.equal(await sqlEventually(server.db, `SELECT recipient FROM outbox WHERE lead_id = '${lead}' AND rule = 'brief_submitted' AND channel = 'email'`),
    sql(server.db, `SELECT email FROM users WHERE role = 'owner' LIMIT 1`));
});

test('the brief\'s requisites block: the client\'s country fields, check digits in the client\'s language, the details kept on the client', async () => {
  const { body } = await intake({ name: 'Claire Dubois', email: 'claire@exemple.fr', lang: 'fr' });
  const lead = body.id;
  const token = await outboxLink(lead);
  let html = await (await get('/c/' + token)).text();
  // A French client: France chosen, the French fields with French labels, no Russian ones shown for France.
  assert.match(html, /<input type="radio" name="requisites.country" value="fr" id="f-requisites-fr" checked>/);
  assert.match(html, /<label class="sub" for="f-requisites-fr-siret">SIRET<\/label>/);
  assert.match(html, /for="f-requisites-fr-tva">N° TVA intracommunautaire</);
  assert.doesNotMatch(html.slice(html.indexOf('class="rq-fr"'), html.indexOf('class="rq-other"')), /ИНН|INN/);
  const answers = { company: 'Éclair', activity: 'Pâtisserie', goals: ['leads'], pages: '4', languages: '1',
    design_level: 'template', urgency: 'normal', 'requisites.country': 'fr',
    'requisites.fr.legal_name': 'Éclair SARL', 'requisites.fr.address': '3 rue des Lilas, Lyon' };
  // A wrong SIRET: 422, said in French beside the block; nothing kept on the client.
  let r = await post('/c/' + token, form({ ...answers, action: 'submit', 'requisites.fr.siret': '44306184100048' }));
  assert.equal(r.status, 422);
  html = await r.text();
  assert.match(html, /id="e-requisites">SIRET : la clé de contrôle ne correspond pas/);
  assert.match(html, /value="44306184100048"/, 'the input is kept');
  assert.equal(sql(server.db, `SELECT c.requisites_json FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = '${lead}'`), '{}');
  // Right: the brief is submitted and the client has its legal details.
  r = await post('/c/' + token, form({ ...answers, action: 'submit', 'requisites.fr.siret': '44306184100047', 'requisites.ru.inn': '7707083893' }));
  assert.equal(r.status, 303);
  const rq = JSON.parse(sql(server.db, `SELECT c.requisites_json FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = '${lead}'`));
  assert.deepEqual(rq, { country: 'fr', kind: 'company', legal_name: 'Éclair SARL', siret: '44306184100047', address: '3 rue des Lilas, Lyon' });
  const view = await (await server.api(`/api/leads/${lead}`)).json();
  assert.equal(view.requisites.siret, '44306184100047');
  // The form shows them again, France still chosen.
  html = await (await get('/c/' + token)).text();
  assert.match(html, /value="Éclair SARL"/);
});

async function proposalFor(name, lang = 'ru') {
  const currency = lang === 'ru' ? 'RUB' : 'EUR';
  const lead = sql(server.db, `SELECT atelier_lead_create('${JSON.stringify({ client_name: name, lang, currency }).replace(/'/g, "''")}', 'anna')`);
  sql(server.db, `SELECT atelier_brief_save('${lead}', 'landing', '{"company":"X","activity":"Y","goals":["leads"],"pages":2,"languages":1,"design_level":"template","urgency":"normal"}', 1, 'anna')`);
  const proposal = sql(server.db, `SELECT atelier_proposal_create(atelier_estimate_lead('${lead}', '{"start_date":"2026-12-01"}', 'anna'), 'anna')`);
  const token = sql(server.db, `SELECT atelier_link('proposal', '${proposal}')`);
  return { lead, proposal, token };
}

test('a proposal link: live while a draft, accepted with a name, then frozen', async () => {
  const { lead, proposal, token } = await proposalFor('Мария Лебедева');
  let html = await (await get('/c/' + token)).text();
  assert.match(html, /Коммерческое предложение/);
  assert.match(html, /name="name"/);
  sql(server.db, "UPDATE studio SET name = 'Студия «Атлас» (новое имя)'");
  html = await (await get('/c/' + token)).text();
  assert.match(html, /Студия «Атлас» \(новое имя\)/, 'the edit shows on reload');
  let r = await post('/c/' + token, form({ action: 'accept', name: '  ' }));
  assert.equal(r.status, 422);
  assert.match(await r.text(), /name: the client&apos;s name is required/);
  r = await post('/c/' + token, form({ action: 'accept', name: 'Мария Лебедева' }));
  assert.equal(r.status, 303);
  const next = r.headers.get('location');
  html = await (await get('/c/' + token)).text();
  assert.doesNotMatch(html, /name="name"/);
  assert.match(html, /Принято клиентом онлайн: Мария Лебедева/);
  assert.equal(sql(server.db, `SELECT status || '|' || accepted_ip || '|' || (number IS NOT NULL) FROM proposals WHERE id = '${proposal}'`),
    'accepted|127.0.0.1|1');
  sql(server.db, "UPDATE studio SET name = 'Совсем другое имя'");
  assert.equal(await (await get('/c/' + token)).text(), html, 'the accepted version is frozen');
  r = await post('/c/' + token, form({ action: 'accept', name: 'Ещё раз' }));
  assert.equal(r.status, 422);
  assert.match(await r.text(), /the proposal is accepted and cannot be accepted/);
  // Acceptance moved the lead on: the contract is there, with its own link, and the studio is told.
  assert.equal(sql(server.db, `SELECT stage FROM leads WHERE id = '${lead}'`), 'contract_sent');
  const contract = sql(server.db, `SELECT id FROM contracts WHERE proposal_id = '${proposal}'`);
  const ctoken = sql(server.db, `SELECT token FROM doc_links WHERE kind = 'contract' AND doc_id = '${contract}'`);
  assert.equal(await sqlEventually(server.db, `SELECT count(*) FROM outbox WHERE lead_id = '${lead}' AND rule = 'proposal_accepted'`, r => r !== '0'), '1');
  // The client goes straight on to the contract; its e-mail waits for an address (this client left none).
  assert.equal(next, '/c/' + ctoken);
  assert.equal(await sqlEventually(server.db, `SELECT status || ': ' || last_error FROM outbox WHERE lead_id = '${lead}' AND rule = 'contract_link'`),
    'cancelled: the client has no e-mail address');
  // The contract is accepted the same way, and the invoices follow.
  r = await post('/c/' + ctoken, form({ action: 'accept', name: 'Мария Лебедева' }));
  assert.equal(r.status, 303);
  assert.match(await (await get('/c/' + ctoken)).text(), /Принято клиентом онлайн: Мария Лебедева/);
  assert.equal(sql(server.db, `SELECT stage FROM leads WHERE id = '${lead}'`), 'invoiced');
  assert.equal(sql(server.db, `SELECT count(*) FROM invoices WHERE lead_id = '${lead}'`), '2');
  const itoken = sql(server.db, `SELECT token FROM doc_links WHERE kind = 'invoice' AND lead_id = '${lead}' LIMIT 1`);
  assert.equal(r.headers.get('location'), '/c/' + itoken, 'the signed contract leads to its invoice');
  assert.match(await (await get('/c/' + itoken)).text(), /Счёт на оплату/);
  // No dead end: the accepted proposal links its contract, the signed contract its issued invoice.
  assert.match(await (await get('/c/' + token)).text(), new RegExp(`<a href="/c/${ctoken}"[^>]*>Следующий шаг — договор →</a>`));
  const signed = await (await get('/c/' + ctoken)).text();
  assert.match(signed, new RegExp(`<a href="/c/${itoken}"[^>]*>Счёт [^<]+ →</a>`));
  assert.equal((signed.match(/<a href="\/c\//g) || []).length, 1, 'only the issued invoice; the planned one has no link yet');
  // Each opening is counted on the link (the server records them together, within a second).
  assert.ok(Number(await sqlEventually(server.db, `SELECT open_count FROM doc_links WHERE token = '${ctoken}'`, r => Number(r) >= 2)) >= 2);
});

test('tokens: scoped to one document, revocable, expiring; a dead link is a page with the studio\'s contact', async () => {
  const a = await proposalFor('Клиент А');
  const b = await proposalFor('Клиент Б');
  const pageA = await (await get('/c/' + a.token)).text();
  assert.match(pageA, /Клиент А/);
  assert.doesNotMatch(pageA, /Клиент Б/);
  for (const path of ['/c/AAAAAAAAAAAAAAAAAAAAAA', '/c/short', '/c/' + a.token.slice(0, 21) + 'x']) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    const page = await r.text();
    assert.match(r.headers.get('content-type'), /text\/html/);
    assert.match(page, /<meta name="viewport"/);
    assert.match(page, /<h1>Здесь ничего нет<\/h1>/, path);
    const studio = sql(server.db, "SELECT name || '|' || email FROM studio").split('|');
    assert.ok(page.includes(studio[0]) && page.includes(`mailto:${studio[1]}`), 'the studio and its address are named');
    assert.doesNotMatch(page, /Клиент/, 'nothing of any document');
  }
  sql(server.db, `SELECT atelier_link_revoke('${b.token}')`);
  const revoked = await get('/c/' + b.token);
  assert.equal(revoked.status, 410);
  const gone = await revoked.text();
  assert.match(gone, /Ссылка больше не действует/);
  assert.doesNotMatch(gone, /Клиент Б/);
  assert.equal((await post('/c/' + b.token, form({ action: 'accept', name: 'X' }))).status, 410, 'a withdrawn link accepts nothing');
  const expired = sql(server.db, `SELECT atelier_link_create('proposal', '${a.proposal}', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')`);
  assert.equal((await get('/c/' + expired)).status, 410);
  // A page served while its link is live is not served from memory after
  // the link's time is up.
  const soon = new Date(Date.now() + 2500).toISOString().replace(/\.\d+Z$/, 'Z');
  const expiring = sql(server.db, `SELECT atelier_link_create('proposal', '${a.proposal}', '2026-01-01T00:00:00Z', '${soon}')`);
  assert.equal((await get('/c/' + expiring)).status, 200);
  assert.equal((await get('/c/' + expiring)).status, 200, 'served again while live');
  await new Promise(r => setTimeout(r, Date.parse(soon) - Date.now() + 1200));
  assert.equal((await get('/c/' + expiring)).status, 410, 'gone once expired');
  assert.equal((await get('/c/' + a.token)).status, 200);
  assert.equal(a.token.length, 22);
});

test('names full of HTML and JS render escaped on every client page', async () => {
  const evil = `<script>alert('x')</script><img src=x onerror=alert(1)>`;
  const { body } = await intake({ name: evil, email: 'evil@example.com', company: '"><b>bold</b>' });
  const briefToken = await outboxLink(body.id);
  const { lead, proposal, token } = await proposalFor(evil);
  sql(server.db, `SELECT atelier_proposal_accept('${proposal}', '${evil.replace(/'/g, "''")}', '127.0.0.1')`);
  const contract = sql(server.db, `SELECT atelier_contract_create('${proposal}', 'anna')`);
  const ctoken = sql(server.db, `SELECT atelier_link('contract', '${contract}')`);
  const invoices = JSON.parse(sql(server.db, `SELECT atelier_invoices_create('${contract}', '2026-11-27', 5, 'anna')`));
  const itoken = sql(server.db, `SELECT atelier_link('invoice', '${invoices[0]}')`);
  for (const t of [briefToken, token, ctoken, itoken]) {
    const html = await (await get('/c/' + t)).text();
    assert.doesNotMatch(html, /<script>alert/, t);
    assert.doesNotMatch(html, /<img src=x/, t);
    assert.doesNotMatch(html, /<b>bold<\/b>/, t);
  }
  const inv = await (await get('/c/' + itoken)).text();
  assert.match(inv, /&lt;script&gt;/);
  assert.match(inv, /Всего наименований \d+, на сумму [^<]+<br><strong>[А-Я]/, "the total in words");
  assert.equal(sql(server.db, `SELECT stage FROM leads WHERE id = '${lead}'`), 'invoiced');
});

test('a consistent backup while the server runs', async () => {
  const dest = join(mkdtempSync(join(tmpdir(), 'atelier-')), 'backup.db');
  const out = execFileSync(join(root, 'build', 'native', 'atelier'), ['backup', dest, '--db', server.db], { encoding: 'utf8' });
  assert.match(out, /backed up to/);
  assert.equal(execFileSync('sqlite3', [dest, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim(), 'ok');
  assert.equal(execFileSync('sqlite3', [dest, 'SELECT count(*) FROM leads'], { encoding: 'utf8' }).trim(),
    sql(server.db, 'SELECT count(*) FROM leads'));
});
