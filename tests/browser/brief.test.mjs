// The client's brief form in headless Chromium, in Russian: typed, saved,
// resumed, corrected and submitted, with no JavaScript on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launch, screenshot } from '../lib/browser.mjs';
import { sql, sqlEventually } from '../lib/sql.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

test('a client fills the brief in Russian, with errors shown beside the questions', async (t) => {
  const r = await fetch(server.url + '/api/leads', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'Елена Морозова', email: 'elena@ritm-dance.ru', company: 'Школа танцев «Ритм»' }) });
  const { id } = await r.json();
  const token = /\/c\/([A-Za-z0-9_-]{22})/.exec(await sqlEventually(server.db, `SELECT body FROM outbox WHERE lead_id = '${id}' AND rule = 'brief_link'`))[1];

  const { context } = await launch();
  t.after(() => context.close().catch(() => {}));
  const page = context.pages()[0] || await context.newPage();
  await page.goto(`${server.url}/c/${token}`);
  assert.equal(await page.title(), 'Бриф на корпоративный сайт');
  await page.fill('#f-company', 'Школа танцев «Ритм»');
  await page.fill('#f-activity', 'Обучаем танцам детей и взрослых, 3 зала в Самаре');
  await page.check('input[name="goals"][value="leads"]');
  await page.fill('#f-pages', '6');
  await page.click('button[value="save"]');
  await page.waitForURL(/done=saved/);
  assert.match(await page.textContent('.notice'), /Черновик сохранён/);
  assert.equal(await page.inputValue('#f-company'), 'Школа танцев «Ритм»');

  // Submit with a missing answer: the error sits beside its question, input kept.
  await page.fill('#f-languages', '');
  await page.click('button[value="submit"]');
  await page.waitForSelector('.problems');
  assert.match(await page.textContent('#e-design_level'), /обязательный вопрос/);
  assert.equal(await page.inputValue('#f-activity'), 'Обучаем танцам детей и взрослых, 3 зала в Самаре');
  await screenshot(page, 'brief-errors-ru');

  await page.fill('#f-languages', '1');
  await page.check('input[name="design_level"][value="custom"]');
  await page.check('input[name="urgency"][value="normal"]');
  await page.check('input[name="sections"][value="about"]');
  await page.check('input[name="sections"][value="contacts"]');
  await page.check('input[name="seo"][value="yes"]');
  await page.click('button[value="submit"]');
  await page.waitForURL(/done=submitted/);
  assert.match(await page.textContent('.notice'), /Бриф отправлен/);
  await screenshot(page, 'brief-submitted-ru');

  assert.equal(sql(server.db, `SELECT stage FROM leads WHERE id = '${id}'`), 'brief_filled');
  const answers = JSON.parse(sql(server.db, `SELECT answers_json FROM briefs WHERE lead_id = '${id}'`));
  assert.equal(answers.company, 'Школа танцев «Ритм»');
  assert.equal(answers.pages, 6);
  assert.deepEqual(answers.sections, ['about', 'contacts']);
  assert.equal(answers.seo, true);
});
