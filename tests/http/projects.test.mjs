// The project after the sale through a real server: a contract signed opens
// its project; the manager asks for materials and moves a stage through the
// API; the client's page (no script) shows the stages, what is expected and
// the documents, and takes the answer; a stage completed lists its act on
// the page; what is late comes from atelier_projects_late.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { signedContract } from '../lib/conveyor.mjs';
import { sql } from '../lib/sql.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const call = async (path, opts) => {
  const r = await server.api(path, opts);
  return { status: r.status, body: await r.json() };
};
const form = (fields) => new URLSearchParams(fields).toString();
const post = (url, body) => fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

test('a signed contract\'s project: materials asked and answered on the client\'s page, a stage moved, a stage done with its act', async () => {
  const { lead } = signedContract(server.db, 'Ольга Орлова');
  const list = (await call('/api/projects')).body;
  const mine = list.find(p => p.lead_id === lead);
  assert.ok(mine, 'the project is listed');
  assert.equal(mine.client, 'Ольга Орлова');
  assert.equal(mine.stage_status, 'in_progress');
  let p = (await call(`/api/projects/${lead}`)).body;
  assert.equal(p.id, mine.id);
  assert.ok(p.stages.length >= 2);
  const [first, second] = p.stages;
  assert.equal(first.status, 'in_progress');
  assert.equal(second.status, 'planned');

  // Materials: a wrong request refused naming the field, a right one kept.
  let r = await call(`/api/projects/${p.id}/requests`, { method: 'POST', body: { title: '', stage: first.stage, due_on: 'завтра' } });
  assert.equal(r.status, 400);
  assert.match(r.body.error, /material: title: required; due_on: expected a date YYYY-MM-DD/);
  r = await call(`/api/projects/${p.id}/requests`, { method: 'POST', body: { title: 'Логотип в SVG и фирменные цвета', stage: first.stage, due_on: '2027-01-15' } });
  assert.equal(r.status, 201);
  const request = r.body.id;
  await call(`/api/project_stages/${first.id}`, { method: 'POST', body: { client_provides: 'Доступы к хостингу и домену' } });

  // The client's page: the stages, what is expected now, the documents; no script.
  const { url } = (await call(`/api/projects/${p.id}/link`, { method: 'POST' })).body;
  assert.match(url, /\/c\/[A-Za-z0-9_-]{22}$/);
  const page = server.url + new URL(url).pathname;
  let res = await fetch(page);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/html/);
  let html = await res.text();
  assert.ok(!/<script/i.test(html), 'no script on the page');
  assert.ok(html.includes('Ольга Орлова') && html.includes(first.name) && html.includes(second.name));
  assert.ok(html.includes('Логотип в SVG и фирменные цвета') && html.includes('Доступы к хостингу и домену'));
  assert.match(html, /Договор № /);
  assert.match(html, /Счёт № [^<]+<\/a><\/td><td class="num[^"]*">к оплате/);

  // An empty answer is refused on the page; an answer to another project's request too.
  res = await post(page, form({ action: 'answer', request_id: request, answer: '   ' }));
  assert.equal(res.status, 422);
  assert.match(await res.text(), /Напишите ответ или вставьте ссылку на файлы/);
  const other = signedContract(server.db, 'Пётр Другой');
  const otherProject = (await call(`/api/projects/${other.lead}`)).body.id;
  const foreign = (await call(`/api/projects/${otherProject}/requests`, { method: 'POST', body: { title: 'Тексты' } })).body.id;
  res = await post(page, form({ action: 'answer', request_id: foreign, answer: 'чужой ответ' }));
  assert.equal(res.status, 404);
  assert.equal(sql(server.db, `SELECT status FROM material_requests WHERE id = '${foreign}'`), 'open');
  // The answer: kept, journaled, thanked for.
  res = await post(page, form({ action: 'answer', request_id: request, answer: 'Файлы: https://disk.example/brand — Ольга' }));
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location'), /\?done=answered$/);
  html = await (await fetch(page + '?done=answered')).text();
  assert.match(html, /Спасибо! Ответ получен/);
  assert.match(html, /Получено/);
  p = (await call(`/api/projects/${p.id}`)).body;
  assert.equal(p.requests[0].status, 'answered');
  assert.equal(p.requests[0].answer, 'Файлы: https://disk.example/brand — Ольга');
  assert.equal(sql(server.db, `SELECT count(*) FROM events WHERE lead_id = '${lead}' AND kind = 'material_answered' AND actor = 'client'`), '1');

  // The second stage moved to a Saturday of the New Year holidays: Monday 11 January.
  r = await call(`/api/project_stages/${second.id}/move`, { method: 'POST', body: { start: '2027-01-02' } });
  assert.equal(r.status, 200);
  assert.equal(r.body.stages[1].planned_start, '2027-01-11');
  r = await call(`/api/project_stages/${second.id}/move`, { method: 'POST', body: { start: '2027-02-30' } });
  assert.equal(r.status, 400);
  assert.match(r.body.error, /stage: start: /);
  r = await call(`/api/project_stages/${second.id}/status`, { method: 'POST', body: { status: 'finished' } });
  assert.equal(r.status, 400);

  // Late: far in the future every stage is; the API's report and SQL agree.
  const late = (await call('/api/reports/projects_late?today=2030-01-01')).body.rows.filter(x => x.project_id === p.id);
  assert.equal(late.filter(x => x.reason === 'late').length, p.stages.length);
  assert.equal(Number(sql(server.db, `SELECT count(*) FROM atelier_projects_late('2030-01-01') WHERE project_id = '${p.id}' AND reason = 'late'`)), p.stages.length);

  // The first stage done: its act is on the page, to sign, and opens.
  r = await call(`/api/leads/${lead}/stages/${first.stage}/complete`, { method: 'POST', body: {} });
  assert.equal(r.status, 200);
  html = await (await fetch(page)).text();
  const act = html.match(/<a href="(\/c\/[A-Za-z0-9_-]{22})">Акт № [^<]+<\/a><\/td><td class="num late">на подпись/);
  assert.ok(act, 'the act is listed, to sign');
  assert.equal((await fetch(server.url + act[1])).status, 200);
  p = (await call(`/api/projects/${p.id}`)).body;
  assert.equal(p.stages[0].status, 'done');
  assert.equal(p.stages[1].status, 'in_progress');
});

test('a project page in French, at phone width and printable; an unknown project is a 404', async () => {
  const { lead } = signedContract(server.db, 'Claire Dubois', { lang: 'fr', currency: 'EUR', company: 'Éclair' });
  const p = (await call(`/api/projects/${lead}`)).body;
  const { url } = (await call(`/api/projects/${p.id}/link`, { method: 'POST' })).body;
  const html = await (await fetch(server.url + new URL(url).pathname)).text();
  assert.match(html, /<html lang="fr">/);
  assert.match(html, /Projet · Claire Dubois/);
  assert.match(html, /Rien n’est attendu de vous pour l’instant/);
  assert.match(html, /name="viewport" content="width=device-width/);
  assert.match(html, /@media print/);
  assert.equal((await call('/api/projects/no-such-project')).status, 404);
});

test('support after launch: a retainer and its hours through the API; a server started after billing days bills each missed month once, listed on the client\'s page', async () => {
  const { lead } = signedContract(server.db, 'Марина Соколова');
  const p = (await call(`/api/projects/${lead}`)).body;
  let r = await call(`/api/projects/${p.id}/retainer`, { method: 'POST', body: { fee_minor: 1.5, day: 0 } });
  assert.equal(r.status, 400);
  assert.match(r.body.error, /^atelier: retainer: fee_minor: expected a whole number from 0 to .*; hours_included: required; hour_rate_minor: required; day: expected a whole number from 1 to 28; starts_on: required$/);
  assert.equal(sql(server.db, `SELECT count(*) FROM retainers WHERE project_id = '${p.id}'`), '0');
  // Started 75 days ago, billed on the 10th: 20,000 ₽ with 5 hours, 3,000 ₽ an hour beyond.
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const start = day(Date.now() - 75 * 86400e3);
  r = await call(`/api/projects/${p.id}/retainer`, { method: 'POST', body: { fee_minor: 2000000, hours_included: 5, hour_rate_minor: 300000, day: 10, starts_on: start } });
  assert.equal(r.status, 200);
  assert.equal(r.body.retainer.fee_minor, 2000000);
  r = await call(`/api/projects/${p.id}/hours`, { method: 'POST', body: { worked_on: 'вчера', minutes: 0 } });
  assert.equal(r.status, 400);
  assert.match(r.body.error, /hours: worked_on: expected a date YYYY-MM-DD, got "вчера"; minutes: expected 1 to 1440/);
  r = await call(`/api/projects/${p.id}/hours`, { method: 'POST', body: { worked_on: start, minutes: 400, note: 'Перенос на новый хостинг' } });
  assert.equal(r.status, 201);
  // The billing days since the start, counted here day by day.
  let expected = 0;
  for (let t = Date.parse(start) + 86400e3; day(t) <= day(Date.now()); t += 86400e3) if (day(t).endsWith('-10')) expected++;
  assert.ok(expected >= 2);
  // Restarted (as after a stop): the months due are billed at start, once.
  for (let round = 0; round < 2; round++) {
    const db = server.db;
    await server.stop();
    server = await startServer({ dbPath: db });
    let v;
    for (let i = 0; i < 100; i++) {
      v = (await call(`/api/projects/${p.id}/support`)).body;
      if (v.months.length >= expected) break;
      await new Promise(res => setTimeout(res, 50));
    }
    assert.equal(v.months.length, expected, `round ${round}: one bill per billing day`);
  }
  const v = (await call(`/api/projects/${p.id}/support`)).body;
  const first = v.months[v.months.length - 1];
  assert.equal(first.starts_on, start);
  assert.equal(first.minutes, 400);
  assert.equal(first.extra_minutes, 100);
  assert.equal(first.total_minor, 2000000 + 500000);  // 100 minutes at 3,000 ₽ an hour
  assert.equal(v.hours[0].billed_in, first.period);
  assert.equal(sql(server.db, `SELECT count(*) FROM acts WHERE lead_id = '${lead}' AND stage LIKE 'support:%'`), String(expected));
  // The client's page lists each month's act and invoice.
  const { url } = (await call(`/api/projects/${p.id}/link`, { method: 'POST' })).body;
  const html = await (await fetch(server.url + new URL(url).pathname)).text();
  assert.equal((html.match(/Акт № [^<]+ · Техническая поддержка: /g) || []).length, expected);
  assert.equal(sql(server.db, `SELECT count(*) FROM invoices WHERE id IN (SELECT invoice_id FROM retainer_periods) AND number IS NOT NULL`), String(expected));
});
