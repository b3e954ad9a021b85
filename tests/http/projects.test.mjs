// The project after the sale through a real server: a contract signed opens
// its project; the manager asks for materials and moves a stage through the
// API; the client's page (no script) shows the stages, what is expected and
// the documents, and takes the answer; a stage completed lists its act on
// the page; what is late comes from atelier_projects_late.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, root } from '../lib/server.mjs';
import { signedContract } from '../lib/conveyor.mjs';
import { sql } from '../lib/sql.mjs';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  assert.match(await res.text(), /Напишите ответ, вставьте ссылку или приложите файлы/);
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
  const answered = p.requests.find(x => x.id === request);
  assert.equal(answered.status, 'answered');
  assert.equal(answered.answer, 'Файлы: https://disk.example/brand — Ольга');
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
  // The studio's process asks now for what the first stage needs and what is
  // due within a week (which requests those are depends on the weekday the
  // project starts); the rest is listed as later, with its date, without a form.
  assert.match(html, /À préparer pour l’étape «Étude et prototype»/);
  assert.match(html, /<strong>Trois sites que vous aimez, et pourquoi<\/strong>/);
  const today = new Date().toISOString().slice(0, 10);
  const week = new Date(Date.parse(today) + 7 * 86400e3).toISOString().slice(0, 10);
  const current = p.stages.find(s => s.status !== 'done').stage;
  const open = p.requests.filter(r => r.status === 'open');
  const now = open.filter(r => !r.stage || r.stage === current || !r.due_on || r.due_on <= week);
  const later = open.filter(r => !now.includes(r));
  assert.ok(now.length >= 2 && later.length >= 1, `requests now and later: ${now.length}, ${later.length}`);
  const escape = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  for (const r of now) assert.ok(html.includes(`<strong>${escape(r.title)}</strong> <span class="sub">`), `asked now: ${r.title}`);
  assert.equal((html.match(/<form /g) || []).length, now.length, 'a form for each request of now');
  const frDate = (iso) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
  assert.ok(html.includes('<strong>Il nous faudra ensuite</strong><table>' +
    later.map(r => `<tr><td>${escape(r.title)}</td><td class="num sub">pour le ${frDate(r.due_on)}</td></tr>`).join('') + '</table>'),
    `the later list: ${later.map(r => r.title).join('; ')}`);
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

// A PNG of one pixel, as a browser would send it.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#1f5fbf"/></svg>');
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const files = (db) => existsSync(db + '.files') ? readdirSync(db + '.files').sort() : [];

// The client's form as a browser sends it: multipart, the answer and files.
const send = (page, request, answer, list) => {
  const fd = new FormData();
  fd.append('action', 'answer');
  fd.append('request_id', request);
  fd.append('answer', answer);
  for (const [name, bytes, type] of list) fd.append('files', new Blob([bytes], { type: type || 'application/octet-stream' }), name);
  if (!list.length) fd.append('files', new Blob([]), '');  // an empty file input
  return fetch(page, { method: 'POST', redirect: 'manual', body: fd });
};

test('the client\'s files on the project page: refused with the reason and nothing kept; accepted, stored whole, served safely, backed up', async () => {
  const { lead } = signedContract(server.db, 'Мария Файлова');
  const p = (await call(`/api/projects/${lead}`)).body;
  const request = (await call(`/api/projects/${p.id}/requests`, { method: 'POST', body: { title: 'Логотип и фото офиса', due_on: '2027-01-15' } })).body.id;
  const { url } = (await call(`/api/projects/${p.id}/link`, { method: 'POST' })).body;
  const token = new URL(url).pathname.split('/')[2];
  const page = server.url + '/c/' + token;
  const html0 = await (await fetch(page)).text();
  assert.match(html0, /<form method="post" enctype="multipart\/form-data">/);
  assert.match(html0, /<input type="file" name="files" multiple>/);
  const before = files(server.db);

  // A web page and a program among good files: the whole answer refused, each named.
  let res = await send(page, request, 'Вот файлы', [['logo.svg', SVG, 'image/svg+xml'], ['index.html', '<p>hi</p>', 'text/html'],
    ['setup.exe', Buffer.from('MZ\x90\x00'), '']]);
  assert.equal(res.status, 422);
  let html = await res.text();
  assert.match(html, /«index\.html»: программы и веб-страницы не принимаются\. «setup\.exe»: программы и веб-страницы не принимаются\./);
  // A name that lies about the content; a file over 20 MB (the body is read whole: the client gets the page).
  res = await send(page, request, '', [['photo.png', Buffer.from('%PDF-1.7\n'), 'image/png']]);
  assert.equal(res.status, 422);
  assert.match(await res.text(), /«photo\.png»: содержимое не соответствует расширению\. Принимаются: PDF, PNG/);
  res = await send(page, request, '', [['huge.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(21 << 20, 32)])]]);
  assert.equal(res.status, 422);
  assert.match(await res.text(), /«huge\.pdf»: больше 20 МБ/);
  // Neither words nor files.
  res = await send(page, request, ' ', []);
  assert.equal(res.status, 422);
  assert.match(await res.text(), /Напишите ответ, вставьте ссылку или приложите файлы/);
  assert.deepEqual(files(server.db), before, 'nothing was stored');
  assert.equal(sql(server.db, `SELECT status FROM material_requests WHERE id = '${request}'`), 'open');

  // A body declared over 60 MB is refused before it is read.
  const head = await new Promise((resolve, reject) => {
    const sock = connect(server.port, '127.0.0.1', () => sock.write(`POST /c/${token} HTTP/1.1\r\nHost: x\r\n` +
      'Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 70000000\r\n\r\n'));
    let got = '';
    sock.on('data', d => { got += d; if (got.includes('\r\n\r\n')) { sock.destroy(); resolve(got); } });
    sock.on('error', reject);
  });
  assert.match(head, /^HTTP\/1\.1 413 /);

  // Accepted: a path in the name is cut off; stored whole under ids, listed with links.
  res = await send(page, request, 'Логотип и фото', [['C:\\Users\\maria\\Логотип.svg', SVG, 'image/svg+xml'], ['офис.png', PNG, 'image/png']]);
  assert.equal(res.status, 303);
  const rows = JSON.parse(execFileSync('sqlite3', ['-json', server.db, `SELECT id, name, type, size, sha256 FROM material_files WHERE request_id = '${request}' ORDER BY name`], { encoding: 'utf8' }));
  assert.deepEqual(rows.map(r => [r.name, r.type, r.size]), [['Логотип.svg', 'image/svg+xml', SVG.length], ['офис.png', 'image/png', PNG.length]]);
  const [svgRow, pngRow] = rows;
  assert.equal(svgRow.sha256, sha256(SVG));
  assert.deepEqual(readFileSync(join(server.db + '.files', pngRow.id)), PNG);
  assert.deepEqual(files(server.db), [...before, svgRow.id, pngRow.id].sort());
  html = await (await fetch(page + '?done=answered')).text();
  assert.ok(html.includes(`<a href="/c/${token}/files/${pngRow.id}">офис.png</a> <span class="sub">${PNG.length} байт</span>`), 'the file is listed');

  // Served back: the image inline, the SVG only as a download; a sandbox either way.
  res = await fetch(`${page}/files/${pngRow.id}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.match(res.headers.get('content-disposition'), /^inline; filename="_\.png"; filename\*=UTF-8''%D0%BE%D1%84%D0%B8%D1%81\.png$/);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
  res = await fetch(`${page}/files/${svgRow.id}`);
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.match(res.headers.get('content-disposition'), /^attachment; /);
  assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; sandbox; frame-ancestors 'none'");
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), SVG);
  // Only through this project's link; the studio through the API with its log-in.
  const other = signedContract(server.db, 'Пётр Чужой');
  const otherProject = (await call(`/api/projects/${other.lead}`)).body.id;
  const otherUrl = (await call(`/api/projects/${otherProject}/link`, { method: 'POST' })).body.url;
  assert.equal((await fetch(server.url + new URL(otherUrl).pathname + `/files/${pngRow.id}`)).status, 404);
  assert.equal((await fetch(`${server.url}/api/files/${pngRow.id}`)).status, 401);
  res = await server.api(`/api/files/${svgRow.id}`);
  assert.equal(res.status, 200);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), SVG);
  const view = (await call(`/api/projects/${p.id}`)).body;
  assert.deepEqual(view.requests.find(x => x.id === request).files.map(f => f.name), ['Логотип.svg', 'офис.png']);

  // The backup takes the files with it.
  const dest = join(mkdtempSync(join(tmpdir(), 'atelier-')), 'backup.db');
  const out = execFileSync(join(root, 'build', 'native', 'atelier'), ['backup', dest, '--db', server.db], { encoding: 'utf8' });
  assert.match(out, /client files? to /);
  assert.deepEqual(readFileSync(join(dest + '.files', svgRow.id)), SVG);
  assert.deepEqual(readFileSync(join(dest + '.files', pngRow.id)), PNG);
});
