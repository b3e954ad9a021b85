// The lead card's brief: its answers read in the card, edited after the
// estimate as a new version with what changed marked, priced again, the
// older version still readable; the server has both after the sync. And a
// document template's live preview beside its editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ownerEmail } from '../lib/server.mjs';
import { launch, openApp, waitFor, screenshot, settle, click, connectApp, checkScreen } from '../lib/browser.mjs';
import { sql } from '../lib/sql.mjs';
import { acceptedProposal } from '../lib/conveyor.mjs';

test('the brief in the card: read, edited after the estimate as version 2 with the change marked, priced again, synced', async (t) => {
  const server = await startServer();
  const { context } = await launch({ viewport: { width: 1440, height: 900 } });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });

  const lead = sql(server.db, `SELECT atelier_lead_create('{"client_name":"Вера Орлова","email":"vera@orlova.ru","lang":"ru","currency":"RUB"}', 'anna')`);
  sql(server.db, `SELECT atelier_brief_save('${lead}', 'landing', '{"company":"Орлова и К","activity":"Кофейня у моря","goals":["leads"],"pages":2,"languages":1,"design_level":"template","urgency":"normal"}', 1, 'anna')`);
  sql(server.db, `SELECT atelier_estimate_lead('${lead}', '{"start_date":"2026-12-01"}', 'anna')`);

  const page = context.pages()[0] || await context.newPage();
  await openApp(page, server.url);
  await connectApp(page, ownerEmail(server.db));
  await click(page, 'view.table');
  const row = (await waitFor(page, s => s.view === 'table' && s.leads.some(l => l.id === lead), 'the lead')).leads.findIndex(l => l.id === lead);
  await click(page, `row.${row}.client`);
  let s = await waitFor(page, x => x.selected === lead && x.anchors['card.brief'], 'the card with its brief');
  assert.equal(s.card.view.brief.history.length, 1);

  // Read: each answer in words, not codes.
  await click(page, 'card.brief');
  s = await waitFor(page, x => x.anchors['card.brief.answer.pages'] && x.anchors['card.edit_brief'], 'the brief\'s answers');
  const read = await checkScreen(page, 'the brief in the card', { allow: ['Вера Орлова'] });
  assert.match(read, /Кофейня у моря/);
  assert.match(read, /На основе шаблона/, 'the design level by its label');
  await screenshot(page, 'card-brief-read');

  // Edited after the estimate: a new version, the old one kept.
  await click(page, 'card.edit_brief');
  await waitFor(page, x => x.editing_brief && x.brief_text.pages === '2', 'the editor on the stored answers');
  await click(page, 'brief.pages');
  await waitFor(page, x => x.want_text_input, 'the caret in pages');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('5');
  await waitFor(page, x => x.brief_text.pages === '5', 'five pages typed');
  // A landing page has at most 3 layouts: refused beside the question, in Russian.
  await click(page, 'brief.submit');
  s = await waitFor(page, x => x.brief_problems.pages, 'the refusal');
  assert.equal(s.brief_problems.pages, 'не больше 3');
  await click(page, 'brief.pages');
  await waitFor(page, x => x.want_text_input, 'the caret in pages');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('3');
  await waitFor(page, x => x.brief_text.pages === '3', 'three pages typed');
  await click(page, 'brief.submit');
  s = await waitFor(page, x => (!x.editing_brief && x.card.view.brief.history.length === 2) || x.error, 'version 2');
  assert.equal(s.error, '');
  const [v1, v2] = s.card.view.brief.history;
  assert.equal(v1.answers.pages, 2);
  assert.deepEqual(v1.estimates, [1]);
  assert.equal(v2.answers.pages, 3);
  assert.deepEqual(v2.changed, ['pages']);
  assert.deepEqual(v2.estimates, []);
  // The brief stays open, on its newest version.
  s = await waitFor(page, x => x.anchors['card.reestimate'] || x.error, 'the offer to price version 2');
  assert.equal(s.error, '');
  const changed = await checkScreen(page, 'the brief\'s version 2', { allow: ['Вера Орлова'] });
  assert.match(changed, /Изменено с версии 1/);
  assert.match(changed, /Расчёт сделан по версии 1/);
  await screenshot(page, 'card-brief-version-2');

  await click(page, 'card.reestimate');
  s = await waitFor(page, x => x.card.estimate_version === 2 && x.card.view.brief.history[1].estimates.length === 1, 'version 2 priced');
  assert.deepEqual(s.card.view.brief.history[1].estimates, [2]);
  assert.equal(s.error, '');
  s = await waitFor(page, x => !x.anchors['card.reestimate'], 'the offer gone once priced');

  // The older version is still there to read, and cannot be edited.
  await click(page, 'card.brief.version.1');
  s = await waitFor(page, x => x.brief_version === 1 && !x.anchors['card.edit_brief'], 'version 1 shown');
  await screenshot(page, 'card-brief-version-1');

  // The server has both versions and the new estimate after the sync.
  await click(page, 'view.sync');
  await click(page, 'sync.now');
  for (let i = 0; sql(server.db, `SELECT count(*) FROM briefs WHERE lead_id = '${lead}'`) !== '2'; i++) {
    assert.ok(i < 300, 'version 2 of the brief on the server');
    await new Promise(r => setTimeout(r, 100));
  }
  assert.equal(sql(server.db, `SELECT max(version) FROM estimates WHERE lead_id = '${lead}'`), '2');
});

test('a document template\'s live preview beside the editor: the newest proposal with the text as typed, a broken text said, nothing saved', async (t) => {
  const server = await startServer();
  const { context } = await launch({ viewport: { width: 1440, height: 900 }, compositing: true });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  acceptedProposal(server.db, 'Глеб Архипов', { company: 'Архипов и партнёры' });

  const page = context.pages()[0] || await context.newPage();
  await openApp(page, server.url);
  await connectApp(page, ownerEmail(server.db));
  await click(page, 'view.settings');
  await click(page, 'settings.tab.templates');
  let s = await waitFor(page, x => x.settings.template_preview.chars > 0, 'the proposal rendered');
  const frame = page.frameLocator('#atelier-preview');
  assert.match(await frame.locator('body').textContent(), /Глеб Архипов|Архипов и партнёры/);
  // The frame sits over the preview panel, beside the editor.
  const box = await page.locator('#atelier-preview').boundingBox();
  const panel = s.anchors['settings.template_preview'];
  assert.ok(Math.abs(box.x - panel.clip[0]) < 2 && Math.abs(box.y - panel.clip[1]) < 2 && box.width > 300, `the frame at ${JSON.stringify(box)}, the panel at ${JSON.stringify(panel)}`);
  assert.ok(box.x > s.anchors['settings.save_template'].x + s.anchors['settings.save_template'].w, 'beside the editor');

  // Typed, not saved: the preview follows.
  await click(page, 'settings.template.advanced');
  await click(page, 'settings.template');
  await waitFor(page, x => x.want_text_input, 'the caret in the template');
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText('<p id="typed">Проверка предпросмотра</p>');
  for (let i = 0; !/Проверка предпросмотра/.test(await frame.locator('body').textContent()); i++) {
    assert.ok(i < 100, 'the typed text in the preview');
    await page.waitForTimeout(100);
  }
  await screenshot(page, 'template-live-preview');
  // A broken text: the reason instead of the page.
  await page.keyboard.insertText('{{#lines}}');
  s = await waitFor(page, x => /Unclosed section/.test(x.settings.template_preview.problem), 'the reason');
  assert.equal(await page.locator('#atelier-preview').evaluate(e => e.style.display), 'none');
  await screenshot(page, 'template-live-preview-broken');
  // Another view hides the preview; nothing was saved, even after a sync.
  await click(page, 'view.sync');
  for (let i = 0; await page.locator('#atelier-preview').evaluate(e => e.style.display) !== 'none'; i++) {
    assert.ok(i < 50, 'the preview hidden with its view');
    await page.waitForTimeout(100);
  }
  const last = (await waitFor(page, x => x.anchors['sync.now'] && !x.sync.busy, 'the sync view')).sync.last_sync;
  await click(page, 'sync.now');
  await waitFor(page, x => x.sync.last_sync !== last && !x.sync.busy, 'a sync', 30000);
  assert.doesNotMatch(sql(server.db, "SELECT coalesce(group_concat(body), '') FROM templates WHERE kind = 'proposal'"), /Проверка предпросмотра/);
});
