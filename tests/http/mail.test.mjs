// The outbox sent over SMTP to a real mail server (aiosmtpd) on loopback:
// proper messages in ru and fr with their links, a server that is down and
// comes back, a refused address, and the server killed while it sends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { sql, sqlEventually } from '../lib/sql.mjs';
import { startSmtp, mailbox, waitForMail } from '../lib/mail.mjs';

const form = (obj) => new URLSearchParams(obj);
const intake = (server, fields) => fetch(server.url + '/api/leads', { method: 'POST', body: form(fields) }).then(async r => {
  assert.equal(r.status, 201, await r.clone().text());
  return (await r.json()).id;
});
const mailArgs = smtp => ['--smtp-url', smtp.url, '--mail-from', 'studio@atlas.test', '--retry-seconds', '1',
  '--intake-per-minute', '1000', '--quiet'];
const to = (mails, addr) => mails.filter(m => m.headers['x-envelope-to'] === addr);

let smtp, server;
before(async () => {
  smtp = await startSmtp();
  server = await startServer({ args: mailArgs(smtp) });
});
after(async () => {
  await server.stop();
  await smtp.stop();
});

test('the brief link reaches the client by SMTP: a proper message in the lead\'s language, with its link', async () => {
  const ru = await intake(server, { name: 'Иван Смирнов', email: 'ivan@example.ru', message: 'Сайт для юристов' });
  const fr = await intake(server, { name: 'Claire Martin', email: 'claire@example.fr', lang: 'fr' });
  const mails = await waitForMail(smtp.dir, 2);
  const owner = sql(server.db, "SELECT email FROM users WHERE role = 'owner' LIMIT 1");
  for (const [lead, addr] of [[ru, 'ivan@example.ru'], [fr, 'claire@example.fr']]) {
    const [m] = to(mails, addr);
    assert.ok(m, `nothing for ${addr}`);
    const row = sql(server.db, `SELECT id || '|' || subject FROM outbox WHERE lead_id = '${lead}' AND rule = 'brief_link'`).split('|');
    assert.equal(m.headers['message-id'], `<${row[0]}@atlas.test>`);
    assert.equal(m.headers.subject, row[1]);
    assert.equal(m.headers.from, 'Студия «Атлас» <studio@atlas.test>');
    assert.equal(m.headers['reply-to'], `<${owner}>`);
    assert.equal(m.headers['x-envelope-from'], 'studio@atlas.test');
    assert.match(m.headers['content-type'], /^multipart\/alternative/);
    const link = new RegExp(server.url.replace(/[.]/g, '\\.') + '/c/[A-Za-z0-9_-]{22}').exec(m.text)[0];
    assert.ok(m.html.includes(`<a href="${link}"`), 'the HTML part links the same address');
    const page = await fetch(link);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form/);
    assert.equal(await sqlEventually(server.db, `SELECT status FROM outbox WHERE id = '${row[0]}'`, r => r === 'sent'), 'sent');
  }
  assert.match(to(mails, 'ivan@example.ru')[0].text, /^Здравствуйте, Иван Смирнов!/);
  assert.match(to(mails, 'claire@example.fr')[0].headers.subject, /^Le brief de votre projet/);
  assert.match(to(mails, 'claire@example.fr')[0].text, /^Bonjour Claire Martin,/);
  // Opening the link is recorded: counted on the link, and an event in the lead's journal.
  assert.equal(await sqlEventually(server.db, `SELECT count(*) FROM events WHERE lead_id = '${ru}' AND kind = 'document_opened'`, r => r === '1'), '1');
});

test('the mail server down, then back: every message delivered once, in order, after retries', async () => {
  await smtp.stop();
  const before = mailbox(smtp.dir).length;
  const leads = [];
  for (let i = 0; i < 3; i++) leads.push(await intake(server, { name: `Клиент ${i}`, email: `down${i}@example.ru` }));
  // Refused while it is down: queued again with the error, nothing lost.
  await sqlEventually(server.db, `SELECT count(*) FROM outbox WHERE rule = 'brief_link' AND recipient LIKE 'down%' AND attempts > 0 AND last_error != ''`,
    r => r !== '0');
  const r = await server.api('/api/outbox?status=queued');
  assert.ok((await r.json()).some(m => /down\d@/.test(m.recipient) && m.last_error), 'the manager sees why it waits');
  smtp = await startSmtp({ port: smtp.port, dir: smtp.dir });
  const mails = (await waitForMail(smtp.dir, before + 3, 20000)).slice(before);
  assert.deepEqual(mails.map(m => m.headers['x-envelope-to']), ['down0@example.ru', 'down1@example.ru', 'down2@example.ru']);
  await new Promise(res => setTimeout(res, 1500));
  assert.equal(mailbox(smtp.dir).length, before + 3, 'nothing twice');
  assert.equal(sql(server.db, "SELECT group_concat(status) FROM outbox WHERE recipient LIKE 'down%'"), 'sent,sent,sent');
});

test('an address the mail server refuses: failed with the server\'s reply, shown to the manager, sent again on request', async () => {
  const lead = await intake(server, { name: 'Nobody', email: 'reject-me@example.org' });
  const row = await sqlEventually(server.db, `SELECT id || '|' || last_error FROM outbox WHERE lead_id = '${lead}' AND status = 'failed'`);
  const [id, error] = row.split('|');
  assert.match(error, /^550 5\.1\.1 <reject-me@example\.org>: Recipient address rejected/);
  const list = await (await server.api(`/api/outbox?lead=${lead}`)).json();
  assert.equal(list[0].status, 'failed');
  assert.match(list[0].last_error, /550/);
  let r = await server.api(`/api/outbox/${id}/resend`, { method: 'POST', body: {} });
  assert.equal(r.status, 200);
  await sqlEventually(server.db, `SELECT attempts || status FROM outbox WHERE id = '${id}'`, v => v === '1failed');
  r = await server.api(`/api/outbox/${id}/cancel`, { method: 'POST', body: {} });
  assert.equal(r.status, 409);
  assert.match((await r.json()).error, /only a scheduled or queued message can be cancelled/);
});

test('killed with SIGKILL while sending: no message lost, at most the one in flight again, with the same Message-ID', async () => {
  const slow = await startSmtp({ delayMs: 120 });
  let s = await startServer({ args: mailArgs(slow) });
  const db = s.db;
  const total = 16;
  for (let i = 0; i < total; i++) await intake(s, { name: `Kill ${i}`, email: `kill${i}@example.org` });
  const kills = 3;
  for (let trial = 0; trial < kills; trial++) {
    await new Promise(res => setTimeout(res, 150 + 170 * trial));
    s.proc.kill('SIGKILL');
    await new Promise(res => s.proc.once('exit', res));
    s = await startServer({ dbPath: db, args: mailArgs(slow) });
  }
  await sqlEventually(db, "SELECT count(*) FROM outbox WHERE recipient LIKE 'kill%' AND status = 'sent'", r => r === String(total), 30000);
  const mails = mailbox(slow.dir).filter(m => /^kill\d+@/.test(m.headers['x-envelope-to']));
  const ids = sql(db, "SELECT '<' || id || '@atlas.test>' FROM outbox WHERE recipient LIKE 'kill%'").split('\n');
  const byId = new Map();
  for (const m of mails) byId.set(m.headers['message-id'], (byId.get(m.headers['message-id']) || 0) + 1);
  for (const id of ids) assert.ok(byId.get(id) >= 1, `lost: ${id}`);
  assert.equal(byId.size, total, 'every message is one of the outbox\'s');
  const repeated = [...byId.values()].reduce((n, c) => n + c - 1, 0);
  assert.ok(repeated <= kills, `${repeated} repeats for ${kills} kills`);
  await s.stop();
  await slow.stop();
});

test('a webhook rule: a signed POST to the studio\'s endpoint, checkable with the secret', async () => {
  const { createServer } = await import('node:http');
  const { createHmac } = await import('node:crypto');
  const received = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', c => { body += c; });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(received.length === 1 ? 503 : 204).end();  // down once: it comes again
    });
  });
  await new Promise(r => hook.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${hook.address().port}/atelier`;
  const secret = 'a-studio-secret-of-32-characters';
  let r = await server.api('/api/rules/new_lead_hook', { method: 'PUT', body: { spec: { trigger: { event: 'lead_created' }, channel: 'webhook', url, secret } } });
  assert.equal(r.status, 200, await r.clone().text());
  r = await server.api('/api/rules/bad_hook', { method: 'PUT', body: { spec: { trigger: { event: 'lead_created' }, channel: 'webhook', url, secret: 'short' } } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /spec\.secret/);
  const lead = await intake(server, { name: 'Hook Client', email: 'hook@example.org' });
  for (let i = 0; received.length < 2; i++) {
    assert.ok(i < 200, `the webhook was called ${received.length} times`);
    await new Promise(res => setTimeout(res, 50));
  }
  hook.close();
  const last = received[1];
  assert.equal(last.headers['content-type'], 'application/json');
  const expected = createHmac('sha256', secret).update(last.headers['x-atelier-timestamp'] + '.' + last.body).digest('hex');
  assert.equal(last.headers['x-atelier-signature'], 'sha256=' + expected);
  assert.equal(last.headers['x-atelier-delivery'], received[0].headers['x-atelier-delivery'], 'the same delivery, again');
  const payload = JSON.parse(last.body);
  assert.equal(payload.lead_id, lead);
  assert.equal(payload.event.kind, 'lead_created');
  assert.equal(payload.data.client.name, 'Hook Client');
  assert.equal(await sqlEventually(server.db, `SELECT status FROM outbox WHERE lead_id = '${lead}' AND rule = 'new_lead_hook'`, v => v === 'sent'), 'sent');
});
