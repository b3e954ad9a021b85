// The parties and the calendar edited in the app: a client's legal details
// in the card (refused in Russian with the field named, kept and synced),
// and the working calendar in the settings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ownerEmail } from '../lib/server.mjs';
import { launch, openApp, click, waitFor, screenshot, settle, field, connectApp } from '../lib/browser.mjs';
import { sql } from '../lib/sql.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

async function browser(t) {
  const b = await launch({ viewport: { width: 1440, height: 900 } });
  t.after(() => b.context.close().catch(() => {}));
  return b.context.pages()[0] || await b.context.newPage();
}

test('a client\'s legal details in the card: a wrong INN refused in Russian, the right ones kept and on the server after sync', async (t) => {
  const page = await browser(t);
  await openApp(page, server.url);
  await connectApp(page, ownerEmail(server.db));
  await click(page, 'view.table');
  await field(page, 'new.client_name', 'Реквизиты Тест');
  await page.keyboard.press('Enter');
  let s = await waitFor(page, st => st.selected && st.anchors['card.more'], 'the card');
  const id = s.selected;
  await click(page, 'card.edit_requisites');
  s = await waitFor(page, st => st.requisites_for === id && st.anchors['card.rq.inn'], 'the legal details form');
  assert.ok(s.anchors['card.rq.kpp'] && s.anchors['card.rq.bik'], 'a Russian client gets the Russian fields');
  assert.ok(!s.anchors['card.rq.siret'], 'and no French ones');
  await field(page, 'card.rq.legal_name', 'ООО «Ромашка»');
  await field(page, 'card.rq.inn', '7707083894');
  await waitFor(page, st => st.rq.inn === '7707083894', 'the INN typed');
  await click(page, 'card.rq_save');
  s = await waitFor(page, st => st.error, 'the refusal');
  assert.equal(s.error, 'ИНН: не сходится контрольная цифра — проверьте номер');
  assert.equal(s.requisites_for, id, 'the form stays open with what was typed');
  await screenshot(page, 'app-requisites-refused');
  await click(page, 'card.rq.inn');
  await waitFor(page, st => st.want_text_input, 'the caret in the INN');
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('3');
  await waitFor(page, st => st.rq.inn === '7707083893', 'the INN corrected');
  await click(page, 'card.rq_save');
  s = await waitFor(page, st => !st.requisites_for && st.card.view.requisites?.inn === '7707083893', 'the details kept');
  assert.equal(s.error, '');
  assert.equal(s.card.view.requisites.legal_name, 'ООО «Ромашка»');
  assert.equal(s.card.view.requisites.country, 'ru');
  assert.ok(s.card.view.events.some(e => e.kind === 'requisites_changed'), 'in the journal');
  await settle(page);
  await screenshot(page, 'app-requisites');
  // Synced: the server prints them on this client's documents.
  await click(page, 'view.sync');
  await click(page, 'sync.now');
  await waitFor(page, st => !st.sync.busy && st.sync.pending === 0, 'synced', 20000);
  assert.equal(sql(server.db, `SELECT json_extract(c.requisites_json, '$.inn') FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = '${id}'`),
    '7707083893');
});

test('the working calendar in the settings: the year\'s holidays listed, a decree\'s day added, a bad date refused', async (t) => {
  const page = await browser(t);
  await openApp(page, server.url);
  await click(page, 'view.settings');
  await settle(page);
  await click(page, 'settings.tab.calendar');
  let s = await waitFor(page, st => st.anchors['settings.cal.add'] && st.settings.calendar.days.length > 0, 'the year\'s days', 5000).catch(async () => {
    // A click on a tab bar's first frame may land before its tabs are laid out: once more.
    await settle(page);
    await click(page, 'settings.tab.calendar');
    return waitFor(page, st => st.anchors['settings.cal.add'] && st.settings.calendar.days.length > 0, 'the year\'s days');
  });
  assert.equal(s.settings.calendar.country, 'ru');
  const year = s.settings.calendar.year;
  assert.ok(s.settings.calendar.days.some(d => d.day === `${year}-01-07` && !d.working), 'Christmas is a holiday');
  await screenshot(page, 'app-calendar');
  await field(page, 'settings.cal.new_day', '2027-13-01');
  await click(page, 'settings.cal.add');
  s = await waitFor(page, st => st.settings.error, 'the refusal');
  assert.equal(s.settings.error, 'Календарь: день — такой даты нет.');
  await click(page, 'settings.cal.new_day');
  await waitFor(page, st => st.want_text_input, 'the caret in the day');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('2027-11-05');
  await field(page, 'settings.cal.new_name', 'Перенос выходного со 2 января');
  await click(page, 'settings.cal.add');
  s = await waitFor(page, st => st.settings.calendar.days.some(d => d.day === '2027-11-05'), 'the day added', 10000);
  assert.equal(s.settings.error, '');
  assert.equal(s.settings.calendar.year, 2027, 'the list shows the day\'s year');
  const day = s.settings.calendar.days.find(d => d.day === '2027-11-05');
  assert.equal(day.working, false);
  assert.equal(day.name, 'Перенос выходного со 2 января');
  await settle(page);
  await screenshot(page, 'app-calendar-day-added');
});

test('the studio\'s legal details in the settings: its country\'s fields, a wrong INN refused, the right ones on the server after sync', async (t) => {
  const page = await browser(t);
  await openApp(page, server.url);
  await connectApp(page, ownerEmail(server.db));
  await click(page, 'view.settings');
  await settle(page);
  let s = await waitFor(page, st => st.anchors['settings.rq.inn'] && st.studio_rq.inn === '780512345671', 'the studio\'s details');
  assert.ok(s.anchors['settings.rq.bik'] && s.anchors['settings.rq.signatory'], 'a Russian studio: bank and signatory');
  assert.ok(!s.anchors['settings.rq.siret']);
  await click(page, 'settings.rq.inn');
  await waitFor(page, st => st.want_text_input, 'the caret in the INN');
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('2');
  await waitFor(page, st => st.studio_rq.inn === '780512345672', 'the INN changed');
  await click(page, 'settings.save_studio');
  s = await waitFor(page, st => st.settings.error, 'the refusal');
  assert.match(s.settings.error, /^ИНН: не сходятся контрольные цифры — проверьте номер/);
  assert.equal(sql(server.db, `SELECT json_extract(requisites_json, '$.inn') FROM studio`), '780512345671', 'nothing changed');
  await screenshot(page, 'app-studio-requisites-refused');
  await click(page, 'settings.rq.inn');
  await waitFor(page, st => st.want_text_input, 'the caret in the INN');
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('1');
  await click(page, 'settings.rq.address');
  await waitFor(page, st => st.want_text_input, 'the caret in the address');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('191186, Санкт-Петербург, Невский пр., д. 30');
  await click(page, 'settings.save_studio');
  s = await waitFor(page, st => st.settings.notice && !st.settings.error, 'saved');
  await settle(page);
  await screenshot(page, 'app-studio-requisites');
  await click(page, 'view.sync');
  await click(page, 'sync.now');
  await waitFor(page, st => !st.sync.busy && st.sync.pending === 0, 'synced', 20000);
  assert.equal(sql(server.db, `SELECT json_extract(requisites_json, '$.address') FROM studio`), '191186, Санкт-Петербург, Невский пр., д. 30');
  assert.equal(sql(server.db, `SELECT json_extract(requisites_json, '$.inn') FROM studio`), '780512345671');
});
