// Every view of the app at the three sizes a manager uses (a desktop, a
// laptop, a phone at devicePixelRatio 3), in Russian and French, saved as
// screenshots (build/test-artifacts/screens), each read back from the frame
// it drew: no developer string shows and no label is cut without "…";
// and the light and dark themes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, ownerEmail, artifacts } from '../lib/server.mjs';
import { launch, openApp, waitFor, click, settle, connectApp, screenshot, checkScreen } from '../lib/browser.mjs';
import { sql } from '../lib/sql.mjs';

let server;
before(async () => {
  server = await startServer();
  // A lead whose brief was changed after its estimate: the card shows two versions.
  const brief = (pages) => `{"company":"Орлова и К","activity":"Кофейня у моря","goals":["leads"],"pages":${pages},"languages":1,"design_level":"template","urgency":"normal"}`;
  const lead = sql(server.db, `SELECT atelier_lead_create('{"client_name":"Вера Орлова","email":"vera@orlova.ru","lang":"ru","currency":"RUB"}', 'anna')`);
  sql(server.db, `SELECT atelier_brief_save('${lead}', 'landing', '${brief(2)}', 1, 'anna')`);
  sql(server.db, `SELECT atelier_estimate_lead('${lead}', '{"start_date":"2026-12-01"}', 'anna')`);
  sql(server.db, `SELECT atelier_brief_save('${lead}', 'landing', '${brief(3)}', 1, 'anna')`);
});
after(async () => { await server.stop(); });

const dir = join(artifacts, 'screens');
mkdirSync(dir, { recursive: true });

const sizes = [
  { name: '1440x900', viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 },
  { name: '1024x768', viewport: { width: 1024, height: 768 }, deviceScaleFactor: 1 },
  { name: '390x844', viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 },
];
const views = ['view.table', 'view.board', 'view.today', 'view.settings', 'view.sync'];
// What a manager must never read in the interface.
const developer = [/\batelier:/, /lead_move/, /\bundefined\b/, /\[object Object\]/];

for (const size of sizes) {
  test(`every view at ${size.name}, in Russian and French`, async (t) => {
    const { context } = await launch({ viewport: size.viewport, deviceScaleFactor: size.deviceScaleFactor });
    t.after(() => context.close().catch(() => {}));
    const page = context.pages()[0] || await context.newPage();
    await openApp(page, server.url);
    await connectApp(page, ownerEmail(server.db));
    for (const lang of ['ru', 'fr']) {
      await click(page, `lang.${lang}`);
      await waitFor(page, s => s.lang === lang, `the interface in ${lang}`);
      for (const view of views) {
        await click(page, view);
        const s = await waitFor(page, x => x.view === { 'view.table': 'table', 'view.board': 'board', 'view.today': 'today',
          'view.settings': 'settings', 'view.sync': 'sync' }[view], view);
        for (const re of developer) assert.doesNotMatch(s.connection + ' ' + s.error + ' ' + s.notice, re, `${view}: ${re}`);
        await settle(page);
        await page.screenshot({ path: join(dir, `${size.name}-${lang}-${view.slice(5)}.png`) });
        await checkScreen(page, `${size.name} ${lang} ${view}`);
      }
      // Every section of the settings.
      await click(page, 'view.settings');
      for (const tab of ['price_list', 'templates', 'briefs', 'rules', 'calendar']) {
        await click(page, `settings.tab.${tab}`);
        await settle(page);
        await page.screenshot({ path: join(dir, `${size.name}-${lang}-settings-${tab}.png`) });
        await checkScreen(page, `${size.name} ${lang} settings ${tab}`);
        if (tab === 'rules') {
          // A rule's e-mail with the message it makes beside it; choosing the
          // rule already shown keeps its preview.
          await click(page, 'rules.select.0');
          await click(page, 'rules.select.0');
          await waitFor(page, x => x.anchors['rules.preview'] && x.settings.rule_preview?.subject, 'the rule\'s preview');
          await settle(page);
          await page.screenshot({ path: join(dir, `${size.name}-${lang}-settings-rule.png`) });
          await checkScreen(page, `${size.name} ${lang} settings rule`);
        }
      }
      await click(page, 'settings.tab.studio');
      // The new lead: a dialog over the view ("n"), its first field focused.
      await click(page, 'view.table');
      await page.keyboard.press('n');
      await waitFor(page, x => x.anchors['new.client_name'] && x.want_text_input, 'the new lead dialog');
      await settle(page);
      await page.screenshot({ path: join(dir, `${size.name}-${lang}-new-lead.png`) });
      await checkScreen(page, `${size.name} ${lang} new lead`);
      await page.keyboard.press('Escape');
      await waitFor(page, x => !x.anchors['new.client_name'], 'the dialog closed');
      // A lead's card: beside the table when wide, over it when not.
      // One with a brief, whose answers are opened too.
      await click(page, 'view.table');
      const listed = await waitFor(page, x => x.view === 'table' && x.leads.length > 0, 'the leads');
      const row = Math.max(0, listed.leads.findIndex(l => !['new', 'brief_sent', 'lost'].includes(l.stage)));
      await click(page, `row.${row}.client`);
      const s = await waitFor(page, x => x.selected && x.card && x.anchors['card.title'], 'a lead card');
      assert.equal(s.error, '');
      await settle(page);
      await page.screenshot({ path: join(dir, `${size.name}-${lang}-card.png`) });
      await checkScreen(page, `${size.name} ${lang} card`);
      assert.ok(s.card.view.brief, 'a lead with a brief');
      {
        await click(page, 'card.brief');
        await waitFor(page, x => Object.keys(x.anchors).some(a => a.startsWith('card.brief.answer.')), 'the brief\'s answers');
        await settle(page);
        await page.screenshot({ path: join(dir, `${size.name}-${lang}-card-brief.png`) });
        await checkScreen(page, `${size.name} ${lang} card's brief`);
        await click(page, 'card.brief');
      }
      await page.keyboard.press('Escape');
    }
  });
}

test('the light theme by default, the dark one on request, kept across a reload', async (t) => {
  const { context } = await launch({ viewport: { width: 1440, height: 900 } });
  t.after(() => context.close().catch(() => {}));
  const page = context.pages()[0] || await context.newPage();
  let s = await openApp(page, server.url);
  assert.equal(s.theme, 'light');
  const pixel = async () => {
    const png = await page.screenshot({ clip: { x: 700, y: 880, width: 1, height: 1 } });
    return png;
  };
  const light = await pixel();
  await click(page, 'theme.toggle');
  s = await waitFor(page, x => x.theme === 'dark', 'the dark theme');
  await settle(page);
  await screenshot(page, 'theme-dark');
  assert.notDeepEqual(await pixel(), light, 'the screen is drawn differently');
  await page.reload();
  s = await openApp(page, server.url);
  assert.equal(s.theme, 'dark', 'kept');
  await click(page, 'theme.toggle');
  s = await waitFor(page, x => x.theme === 'light', 'back to light');
  await settle(page);
  await screenshot(page, 'theme-light');
});
