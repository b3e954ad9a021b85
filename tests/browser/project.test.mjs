// The signed project's stages in the lead card: completing one issues the
// payments of the schedule due at its end, and the server has them after
// the sync. The client's files: sent from the project page in Chromium at
// phone width, listed in the studio's app, fetched from the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ownerEmail, artifacts } from '../lib/server.mjs';
import { join } from 'node:path';
import { launch, openApp, waitFor, screenshot, settle, click, connectApp } from '../lib/browser.mjs';
import { sql } from '../lib/sql.mjs';
import { signedContract } from '../lib/conveyor.mjs';
import { readFileSync } from 'node:fs';

test('the card\'s project: completing the last stage issues the balance, due from that day, on the server too', async (t) => {
  const server = await startServer();
  const { context } = await launch({ viewport: { width: 1440, height: 900 } });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });

  // Signed on paper (made on the server): the advance issued, the balance due at launch.
  const anna = `'{"id":"u-anna","name":"Anna"}'`;
  const lead = sql(server.db, `SELECT atelier_lead_create('{"client_name":"Вера Орлова","email":"vera@orlova.ru","lang":"ru","currency":"RUB"}', 'anna')`);
  sql(server.db, `SELECT atelier_brief_save('${lead}', 'landing', '{"company":"Орлова и К","activity":"Кофейня","goals":["leads"],"pages":2,"languages":1,"design_level":"template","urgency":"normal"}', 1, 'anna')`);
  const proposal = sql(server.db, `SELECT atelier_proposal_create(atelier_estimate_lead('${lead}', '{"start_date":"2026-12-01"}', 'anna'), 'anna')`);
  sql(server.db, `SELECT atelier_proposal_accept('${proposal}', '{"channel":"phone","name":"Вера Орлова"}', ${anna})`);
  sql(server.db, `SELECT atelier_contract_accept(id, '{"channel":"paper","name":"Вера Орлова"}', ${anna}) FROM contracts WHERE lead_id = '${lead}'`);
  assert.equal(sql(server.db, `SELECT group_concat(status, ' ') FROM (SELECT status FROM invoices WHERE lead_id = '${lead}' ORDER BY position)`), 'issued draft');

  const page = context.pages()[0] || await context.newPage();
  await openApp(page, server.url);
  await connectApp(page, ownerEmail(server.db));
  await waitFor(page, s => s.leads.some(l => l.id === lead), 'the lead synced', 30000);
  await click(page, 'view.table');
  await waitFor(page, x => x.view === 'table', 'the leads view');
  const row = (await waitFor(page, s => s.leads.some(l => l.id === lead), 'the lead')).leads.findIndex(l => l.id === lead);
  await click(page, `row.${row}.client`);
  let s = await waitFor(page, x => x.selected === lead && x.card?.view?.project?.stages?.length > 0, 'the card with the project');
  const stages = s.card.view.project.stages;
  const last = stages[stages.length - 1];
  assert.equal(last.id, 'launch');
  assert.equal(last.payments.length, 1, 'the balance is due at launch');
  assert.equal(last.payments[0].status, 'draft');
  await settle(page);
  await screenshot(page, 'project-stages');

  await click(page, 'card.stage.launch');
  s = await waitFor(page, x => x.card.view.project.stages.find(st => st.id === 'launch').done_at, 'the launch done');
  const balance = s.card.view.project.stages.find(st => st.id === 'launch').payments[0];
  assert.equal(balance.status, 'issued');
  assert.equal(s.error, '');
  assert.equal(s.card.view.next_action.action, 'pay_invoice');
  await screenshot(page, 'project-launched');
  // The launch's act of completed work opens in a new tab, ready to print and sign.
  s = await waitFor(page, x => x.anchors['card.act.launch'], 'the act button of the done stage');
  const popup = context.waitForEvent('page');
  await click(page, 'card.act.launch');
  const act = await popup;
  await act.waitForLoadState();
  assert.match(await act.content(), /Акт сдачи-приёмки выполненных работ № [^<]+\/\d+/);
  assert.equal((await waitFor(page, x => x.error === '', 'no error')).error, '');
  await act.close();

  // The server has the launch and the balance issued (its number is the server's).
  await click(page, 'view.sync');
  await click(page, 'sync.now');
  for (let i = 0; sql(server.db, `SELECT status FROM invoices WHERE id = '${balance.invoice_id}'`) !== 'issued'; i++) {
    assert.ok(i < 300, 'the balance issued on the server');
    await new Promise(r => setTimeout(r, 100));
  }
  assert.equal(sql(server.db, `SELECT count(*) FROM events WHERE lead_id = '${lead}' AND kind = 'stage_completed'`), '1');
  assert.match(sql(server.db, `SELECT number FROM invoices WHERE id = '${balance.invoice_id}'`), /^\d{4}-\d{4}$/);
  assert.equal(sql(server.db, `SELECT due_on > issued_on FROM invoices WHERE id = '${balance.invoice_id}'`), '1');
});

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#1f5fbf"/></svg>');

test('the client\'s files: picked and sent on the project page at phone width; listed in the app and fetched from the server', async (t) => {
  const server = await startServer();
  const { context } = await launch({ viewport: { width: 1440, height: 900 } });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  const { lead } = signedContract(server.db, 'Нина Файлова');
  const project = (await (await server.api(`/api/projects/${lead}`)).json()).id;
  const request = (await (await server.api(`/api/projects/${project}/requests`, { method: 'POST', body: { title: 'Логотип и фото офиса', due_on: '2027-01-15' } })).json()).id;
  const { url } = await (await server.api(`/api/projects/${project}/link`, { method: 'POST' })).json();

  // The client, on a phone: both files picked in the form, a word added, sent.
  const client = await context.newPage();
  await client.setViewportSize({ width: 390, height: 844 });
  await client.goto(server.url + new URL(url).pathname);
  // The form of this request (the studio's process asks for others on the same page).
  const form = client.locator(`form:has(input[name=request_id][value="${request}"])`);
  await form.locator('input[type=file][name=files]').setInputFiles([
    { name: 'Логотип.svg', mimeType: 'image/svg+xml', buffer: SVG }, { name: 'офис.png', mimeType: 'image/png', buffer: PNG }]);
  await form.locator('textarea[name=answer]').fill('Логотип и фото, остальное позже');
  await Promise.all([client.waitForURL(/\?done=answered$/), form.locator('button[value=answer]').click()]);
  const html = await client.content();
  assert.match(html, /Спасибо! Ответ получен/);
  assert.match(html, />Логотип\.svg<\/a> <span class="sub">\d+ байт<\/span>/);
  assert.match(html, />офис\.png<\/a>/);
  assert.equal(await client.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scroll on a phone');
  await client.screenshot({ path: join(artifacts, 'project-page-files.png'), fullPage: true });
  // The link opens the image itself, in the browser.
  const img = await client.request.get(await client.getAttribute('a:text("офис.png")', 'href').then(h => server.url + h));
  assert.deepEqual(Buffer.from(await img.body()), PNG);
  assert.equal(sql(server.db, `SELECT status FROM material_requests WHERE id = '${request}'`), 'answered');
  await client.close();

  // The studio's app: the files listed under the answer; one fetched from the server.
  const page = context.pages()[0] || await context.newPage();
  await openApp(page, server.url);
  await connectApp(page, ownerEmail(server.db));
  await click(page, 'view.projects');
  let s = await waitFor(page, x => x.view === 'projects' && x.projects?.list?.some(p => p.lead_id === lead), 'the project synced');
  await click(page, `projects.row.${s.projects.list.findIndex(p => p.lead_id === lead)}`);
  s = await waitFor(page, x => x.projects.view?.requests?.find(r => r.id === request)?.files?.length === 2 && x.anchors['projects.file.1'], 'the files listed');
  const mine = s.projects.view.requests.find(r => r.id === request);
  assert.deepEqual(mine.files.map(f => f.name), ['Логотип.svg', 'офис.png']);
  assert.equal(mine.answer, 'Логотип и фото, остальное позже');
  await settle(page);
  await screenshot(page, 'projects-files');
  const download = page.waitForEvent('download');
  await click(page, 'projects.file.1');
  const d = await download;
  assert.equal(d.suggestedFilename(), 'офис.png');
  assert.deepEqual(readFileSync(await d.path()), PNG);
  s = await waitFor(page, x => x.projects.file_state === 'done', 'the fetch done');
});
