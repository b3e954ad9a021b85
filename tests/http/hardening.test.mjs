// Hostile input, log-in, limits and headers, against a real server on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { startServer, OWNER_PASSWORD } from '../lib/server.mjs';
import { sql, sqlEventually } from '../lib/sql.mjs';
import { execFileSync } from 'node:child_process';

// SQL too long for a command line, through the shell's standard input.
const sqlInput = (db, query) => execFileSync('sqlite3', ['-batch', '-cmd', '.timeout 5000', db], { input: query, encoding: 'utf8' });

let server;
before(async () => { server = await startServer({ args: ['--intake-per-minute', '1000'] }); });
after(async () => { await server.stop(); });

// A raw HTTP request: headers exactly as given (a browser's form post sends
// Sec-Fetch-Mode: navigate, which fetch() would not).
function raw(url, { method = 'GET', path, headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body); else req.end();
  });
}

const form = (obj) => new URLSearchParams(obj).toString();
const formHeaders = (extra = {}) => ({ 'content-type': 'application/x-www-form-urlencoded', ...extra });
// A lead taken through the API to its invoices; their ids and client links.
async function invoices(s, { sign = true } = {}) {
  const api = s.api;
  let r = await api('/api/leads', { method: 'POST', body: { client_name: 'Cabinet Test', lang: 'fr', currency: 'EUR' } });
  const { id } = await r.json();
  await api(`/api/leads/${id}/brief`, { method: 'PUT', body: { template: 'corporate', submit: true, answers: {
    company: 'Cabinet Test', activity: 'Avocats', goals: ['leads'], pages: 6, sections: ['about', 'team', 'contacts'],
    content_pages: 8, languages: 2, design_level: 'custom', integrations: ['crm'], seo: true, urgency: 'normal' } } });
  const est = await (await api(`/api/leads/${id}/estimates`, { method: 'POST', body: { start_date: '2026-12-01' } })).json();
  const proposal = await (await api(`/api/estimates/${est.id}/proposal`, { method: 'POST' })).json();
  const contract = await (await api(`/api/proposals/${proposal.id}/accept`, { method: 'POST', body: { channel: 'email', name: 'Client Test' } })).json();
  assert.ok(contract.id, JSON.stringify(contract));
  if (!sign) return { contract: contract.id, lead: id };
  const made = await (await api(`/api/contracts/${contract.id}/sign`, { method: 'POST', body: { channel: 'paper', name: 'Client Test' } })).json();
  assert.ok(made.ids, JSON.stringify(made));
  return made;
}

const alive = async (s = server) => (await fetch(s.url + '/healthz')).status === 200;
const peakMemoryKb = (proc) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))[1]);

test('deeply nested JSON is refused with an error, and the server stays up', async () => {
  // 100,000 levels: larger than the intake limit, refused unread.
  const deep = (n) => '['.repeat(n) + ']'.repeat(n);
  let r = await fetch(server.url + '/api/leads', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: `{"name":"X","utm_source":${deep(100000)}}` });
  assert.equal(r.status, 413);
  // 30,000 levels fit the limit: the depth is what is refused.
  r = await fetch(server.url + '/api/leads', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: `{"name":"X","utm_source":${deep(30000)}}` });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /nested deeper than/);
  assert.ok(await alive());
  // The manager's API takes larger bodies, still not deeper ones.
  const leads = await (await server.api('/api/leads?limit=1')).json();
  const big = `{"answers":{"company":${deep(100000)}}}`;
  const login = await fetch(server.url + '/api/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: sql(server.db, "SELECT email FROM users WHERE role='owner' LIMIT 1"), password: OWNER_PASSWORD }) });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const { csrf_token } = await login.json();
  r = await fetch(server.url + `/api/leads/${leads[0].id}/brief`, { method: 'PUT',
    headers: { cookie, 'x-csrf-token': csrf_token, 'content-type': 'application/json' }, body: big });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /request: body: nested deeper than 64 levels/);
  assert.ok(await alive());
});

test('anonymous routes refuse large bodies before reading them', async () => {
  const before = peakMemoryKb(server.proc);
  const body = '[' + Array(3_000_000).fill('"xxxxxxxx"').join(',') + ']';  // ~33 MB
  const r = await fetch(server.url + '/api/leads', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    .catch(e => ({ status: 'reset', e }));
  // Either the 413 arrives, or the server closed the connection after it.
  assert.ok(r.status === 413 || r.status === 'reset', `status ${r.status}`);
  const login = await fetch(server.url + '/api/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(100_000) }) });
  assert.equal(login.status, 413);
  assert.ok(await alive());
  const grown = peakMemoryKb(server.proc) - before;
  assert.ok(grown < 40_000, `the server's peak memory grew by ${grown} kB`);
});

test('log-in: checked without the database lock, the same answer for unknown accounts, throttled per address', async () => {
  const s = await startServer();
  try {
    const owner = sql(s.db, "SELECT email FROM users WHERE role = 'owner' LIMIT 1");
    const login = (email, password) => fetch(s.url + '/api/login', { method: 'POST',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    // Six wrong log-ins at once keep the password checks busy; a health
    // check sent after them answers before the last of them.
    const order = [];
    const logins = [];
    for (let i = 0; i < 6; i++) logins.push(login(i % 2 ? owner : `nobody${i}@example.com`, 'wrong-password').then(r => { order.push('login'); return r; }));
    await new Promise(r => setTimeout(r, 20));
    const health = fetch(s.url + '/healthz').then(r => { order.push('health'); return r; });
    const results = await Promise.all([...logins, health]);
    assert.equal(results[6].status, 200);
    assert.notEqual(order.at(-1), 'health', `answers in order: ${order.join(', ')}`);
    // Unknown and known e-mails: one status, one message.
    const bodies = await Promise.all(results.slice(0, 6).map(async r => [r.status, (await r.json()).error]));
    assert.equal(new Set(bodies.map(b => JSON.stringify(b))).size, 1, JSON.stringify(bodies));
    assert.deepEqual(bodies[0], [401, 'login: wrong e-mail or password']);
    // Past ten failures from one address: 429, even with the right password.
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(owner, 'wrong-again')).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
    const r = await login(owner, OWNER_PASSWORD);
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers.get('retry-after')) > 60);
  } finally {
    await s.stop();
  }
});

test('the owner lists and revokes sessions and API tokens; API tokens expire', async () => {
  const owner = sql(server.db, "SELECT email FROM users WHERE role = 'owner' LIMIT 1");
  const l = await fetch(server.url + '/api/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: owner, password: OWNER_PASSWORD }) });
  const cookie = l.headers.get('set-cookie').split(';')[0];
  assert.equal((await fetch(server.url + '/api/leads?limit=1', { headers: { cookie } })).status, 200);

  let r = await server.api('/api/tokens', { method: 'POST', body: { name: 'laptop', expires_in_days: 0 } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /expires_in_days: expected a number of days from 1 to 730/);
  r = await server.api('/api/tokens', { method: 'POST', body: { name: 'laptop', expires_in_days: 30 } });
  const { token } = await r.json();
  const bearer = { authorization: 'Bearer ' + token };
  assert.equal((await fetch(server.url + '/api/leads?limit=1', { headers: bearer })).status, 200);

  const tokens = await (await server.api('/api/tokens')).json();
  const mine = tokens.find(t => t.name === 'laptop');
  assert.ok(mine, JSON.stringify(tokens));
  assert.ok(mine.expires_at > new Date(Date.now() + 29 * 86400e3).toISOString() &&
            mine.expires_at < new Date(Date.now() + 31 * 86400e3).toISOString(), mine.expires_at);
  const sessions = await (await server.api('/api/sessions')).json();
  assert.ok(sessions.length >= 2);
  assert.ok(sessions.every(s => /^[0-9a-f]{16}$/.test(s.id) && s.addr === '127.0.0.1'));

  // Revoke the token: it stops working at once.
  r = await server.api(`/api/tokens/${mine.id}`, { method: 'DELETE' });
  assert.equal(r.status, 200);
  assert.equal((await fetch(server.url + '/api/leads?limit=1', { headers: bearer })).status, 401);
  assert.equal((await server.api(`/api/tokens/${mine.id}`, { method: 'DELETE' })).status, 404);

  // Revoke the session of the cookie above: it is logged out at once.
  const own = sessions.filter(x => x.created_at >= new Date(Date.now() - 60e3).toISOString().slice(0, 19));
  let revokedIt = false;
  for (const x of own) {
    assert.equal((await server.api(`/api/sessions/${x.id}`, { method: 'DELETE' })).status, 200);
    if ((await fetch(server.url + '/api/leads?limit=1', { headers: { cookie } })).status === 401) { revokedIt = true; break; }
    // That one was the helper's own session: log it in again.
    server.resetSession();
  }
  assert.ok(revokedIt, 'revoking the sessions logged the cookie out');

  // An expired token is refused.
  r = await server.api('/api/tokens', { method: 'POST', body: { name: 'old', expires_in_days: 1 } });
  const old = (await r.json()).token;
  assert.equal((await fetch(server.url + '/api/leads?limit=1', { headers: { authorization: 'Bearer ' + old } })).status, 200);
  sql(server.db, "UPDATE api_tokens SET expires_at = '2020-01-01T00:00:00Z' WHERE name = 'old'");
  assert.equal((await fetch(server.url + '/api/leads?limit=1', { headers: { authorization: 'Bearer ' + old } })).status, 401);
});

test('the client brief keeps 10,000 Cyrillic characters; a longer answer comes back with the text and a message', async () => {
  const r = await fetch(server.url + '/api/leads', { method: 'POST', headers: formHeaders(),
    body: form({ name: 'Анна Длинная', email: 'anna@dlinnaya.ru' }) });
  const id = (await r.json()).id;
  const token = /\/c\/([A-Za-z0-9_-]{22})/.exec(await sqlEventually(server.db, `SELECT body FROM outbox WHERE lead_id = '${id}' AND rule = 'brief_link'`))[1];
  const tpl = JSON.parse(sql(server.db, "SELECT body_json FROM brief_templates WHERE code = 'corporate' ORDER BY version DESC LIMIT 1"));
  const longtext = tpl.sections.flatMap(s => s.questions).find(q => q.type === 'longtext');
  assert.ok(longtext, 'the corporate brief has a long answer');
  const text = 'Ж'.repeat(9_990) + ' конец.';
  let p = await raw(server.url, { method: 'POST', path: '/c/' + token, headers: formHeaders(),
    body: form({ action: 'save', [longtext.id]: text }) });
  assert.equal(p.status, 303, p.body.slice(0, 300));
  const stored = JSON.parse(sql(server.db, `SELECT answers_json FROM briefs WHERE lead_id = '${id}'`));
  assert.equal(stored[longtext.id], text);
  // 10,001 characters: the form again, with the text and why, in Russian.
  p = await raw(server.url, { method: 'POST', path: '/c/' + token, headers: formHeaders(),
    body: form({ action: 'save', [longtext.id]: 'Щ'.repeat(10_001) }) });
  assert.equal(p.status, 422);
  assert.match(p.body, /не длиннее 10000 символов/);
  assert.ok(p.body.includes('Щ'.repeat(10_001)), 'the answer is kept in the form');
  assert.equal(JSON.parse(sql(server.db, `SELECT answers_json FROM briefs WHERE lead_id = '${id}'`))[longtext.id], text);
  // Far beyond what the template allows: refused unread, the saved draft shown with a message.
  p = await raw(server.url, { method: 'POST', path: '/c/' + token, headers: formHeaders(),
    body: form({ action: 'save', [longtext.id]: 'Щ'.repeat(400_000) }) });
  assert.equal(p.status, 413);
  assert.match(p.body, /Ответы слишком длинные/);
  assert.ok(p.body.includes(' конец.'), 'the saved draft is shown');
});

test('a plain form post from the studio site works without --cors-origin; a script from another site does not', async () => {
  const before = Number(sql(server.db, 'SELECT count(*) FROM leads'));
  const p = await raw(server.url, { method: 'POST', path: '/api/leads',
    headers: formHeaders({ origin: 'https://studio.example', 'sec-fetch-mode': 'navigate', accept: 'text/html' }),
    body: form({ name: 'Claire Martin', email: 'claire@martin.fr', lang: 'fr', website: '' }) });
  assert.equal(p.status, 201);
  assert.match(p.headers['content-type'], /text\/html/);
  assert.match(p.body, /Merci ! Votre demande est envoyée/);
  assert.match(p.headers['content-security-policy'], /default-src 'none'/);
  const s = await raw(server.url, { method: 'POST', path: '/api/leads',
    headers: formHeaders({ origin: 'https://elsewhere.example', 'sec-fetch-mode': 'cors' }), body: form({ name: 'Script' }) });
  assert.equal(s.status, 403);
  assert.equal(Number(sql(server.db, 'SELECT count(*) FROM leads')), before + 1);
  // A bad form post: the visitor reads why, in the form's language.
  const bad = await raw(server.url, { method: 'POST', path: '/api/leads',
    headers: formHeaders({ origin: 'https://studio.example', 'sec-fetch-mode': 'navigate' }), body: form({ name: '', lang: 'fr' }) });
  assert.equal(bad.status, 400);
  assert.match(bad.body, /La demande n(&apos;|&#39;|')est pas envoyée/);
  assert.match(bad.body, /Indiquez votre nom\./);
  assert.doesNotMatch(bad.body, /atelier:|client_name/);
});

test('--trusted-proxy: the visitor address comes from X-Forwarded-For only from that proxy', async () => {
  const post = (s, xff) => raw(s.url, { method: 'POST', path: '/api/leads',
    headers: formHeaders({ 'x-forwarded-for': xff }), body: form({ name: 'Visitor' }) });
  const behind = await startServer({ args: ['--intake-per-minute', '2', '--trusted-proxy', '127.0.0.1'] });
  const direct = await startServer({ args: ['--intake-per-minute', '2'] });
  try {
    // Behind the proxy: each visitor has a limit of their own; a forged
    // left part of the header does not help the client who sent it.
    const a = [], b = [];
    for (let i = 0; i < 3; i++) a.push((await post(behind, `6.6.6.${i}, 203.0.113.7`)).status);
    for (let i = 0; i < 2; i++) b.push((await post(behind, '198.51.100.9')).status);
    assert.deepEqual(a, [201, 201, 429]);
    assert.deepEqual(b, [201, 201]);
    // Without --trusted-proxy the header is ignored: one address, one limit.
    const c = [];
    for (let i = 0; i < 3; i++) c.push((await post(direct, `203.0.113.${i}`)).status);
    assert.deepEqual(c, [201, 201, 429]);
  } finally {
    await behind.stop();
    await direct.stop();
  }
});

test('intake takes only what a visitor may say: amount, currency and source are the studio\'s', async () => {
  let r = await fetch(server.url + '/api/leads', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Overflow', amount_minor: 9223372036854775807, currency: 'USD', source: 'partner',
      stage: 'won', utm_source: 'x'.repeat(201) }) });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /utm_source: at most 200 characters/);
  const ids = [];
  for (let i = 0; i < 2; i++) {
    r = await fetch(server.url + '/api/leads', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Overflow ' + i, amount_minor: 9223372036854775807, currency: 'USD', source: 'partner', stage: 'won' }) });
    assert.equal(r.status, 201);
    ids.push((await r.json()).id);
  }
  const rows = sql(server.db, `SELECT amount_minor, currency, source, stage FROM leads WHERE id IN ('${ids.join("','")}')`).split('\n');
  assert.equal(rows.length, 2);
  assert.ok(rows.every(x => /^0\|RUB\|website\|(new|brief_sent)$/.test(x)), rows.join('; '));
  assert.equal(sql(server.db, "SELECT sum(amount_minor) >= 0 FROM leads"), '1');
  // A UTM value that is not a string is refused, naming the field.
  r = await fetch(server.url + '/api/leads', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bad UTM', utm_medium: { a: 1 } }) });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /utm_medium: expected a string, got an object/);
});

test('a template nested 20,000 sections deep is refused when rendered; the server stays up', async () => {
  // A contract not signed yet is rendered from its template on every view.
  const { contract } = await invoices(server, { sign: false });
  const lang = sql(server.db, `SELECT l.lang FROM contracts c JOIN leads l ON l.id = c.lead_id WHERE c.id = '${contract}'`);
  const body = '{{#a}}'.repeat(20000) + 'x' + '{{/a}}'.repeat(20000);
  sql(server.db, "CREATE TABLE IF NOT EXISTS saved_templates AS SELECT id, body FROM templates WHERE kind = 'contract'");
  sqlInput(server.db, `UPDATE templates SET body = '${body}' WHERE kind = 'contract';`);
  for (let i = 0; i < 2; i++) {
    const r = await server.api(`/api/documents/contract/${contract}?lang=${lang}`);
    assert.equal(r.status, 400);
    assert.match((await r.json()).error, /render: line 1: sections nested deeper than 32 levels/);
  }
  assert.ok(await alive());
  sql(server.db, "UPDATE templates SET body = (SELECT body FROM saved_templates s WHERE s.id = templates.id) WHERE kind = 'contract'");
  // Saving such a template is refused the same way, naming the line.
  assert.throws(() => sql(server.db, `SELECT atelier_render('ok
${'{{#a}}'.repeat(40)}${'{{/a}}'.repeat(40)}', '{}')`),
    /render: line 2: sections nested deeper than 32 levels/);
});

test('headers: NUL in a path is 404; nosniff and frame-ancestors everywhere; a CSP on client pages; no internal texts', async () => {
  let r = await raw(server.url, { path: '/app.wasm%00.html' });
  assert.equal(r.status, 404);
  for (const path of ['/', '/healthz', '/app.js', '/no-such-file']) {
    r = await raw(server.url, { path });
    assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
    assert.match(r.headers['content-security-policy'] || '', /frame-ancestors 'none'/, path);
  }
  // A client page: the document's CSP allows no script at all.
  const made = await invoices(server);
  const inv = made.ids[0], token = made.urls[0].split('/c/')[1];
  r = await raw(server.url, { path: '/c/' + token });
  assert.equal(r.status, 200, inv);
  assert.match(r.headers['content-security-policy'], /^default-src 'none'; style-src 'unsafe-inline'/);
  assert.doesNotMatch(r.headers['content-security-policy'], /script-src/);
  // Data that cannot be rendered: the client sees that something failed, not how.
  const { lead, contract } = await invoices(server, { sign: false });  // rendered live, not a frozen snapshot
  const ctoken = sql(server.db, `SELECT atelier_link('contract', '${contract}')`);
  assert.equal((await raw(server.url, { path: '/c/' + ctoken })).status, 200);
  sql(server.db, `UPDATE estimates SET body_json = '{"tax": 5, "lines": 7}' WHERE lead_id = '${lead}'`);
  r = await raw(server.url, { path: '/c/' + ctoken });
  assert.equal(r.status, 500);
  assert.doesNotMatch(r.body, /json\.exception|type_error|CHECK constraint/);
  assert.ok(await alive());
});
