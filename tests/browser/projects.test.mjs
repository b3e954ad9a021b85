// The Projects view on the demo studio's year (a local copy): the projects
// its signed contracts opened, one on its timeline; a stage bar dragged
// moves the stage and the later ones (read back from the database); the
// client asked for materials; screenshots at three widths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startStaticApp } from '../lib/server.mjs';
import { launch, openApp, waitFor, screenshot, settle, click, field } from '../lib/browser.mjs';

for (const [w, h, dpr] of [[1440, 1000, 1], [1024, 768, 1], [390, 844, 3]]) {
  test(`Projects at ${w}x${h}: the list, a timeline, a stage dragged, materials asked`, async (t) => {
    const files = await startStaticApp();
    const { context } = await launch({ viewport: { width: w, height: h }, deviceScaleFactor: dpr });
    t.after(async () => { await context.close().catch(() => {}); files.stop(); });
    const page = context.pages()[0] || await context.newPage();
    await openApp(page, files.url, { choose: false });
    await click(page, 'local.demo');
    await waitFor(page, x => x.first_run === 'done' && x.leads.length >= 280, 'the demo studio with its year', 120000);
    await click(page, 'view.projects');
    let s = await waitFor(page, x => x.view === 'projects' && x.projects?.list?.length > 0, 'the projects');
    const open = s.projects.list.findIndex(p => p.status === 'active');
    assert.ok(open >= 0, 'an active project');
    await click(page, `projects.row.${open}`);
    s = await waitFor(page, x => x.projects.view?.stages && x.anchors['projects.stage.0'], 'its timeline');
    const stages = s.projects.view.stages;
    const k = stages.findIndex(st => st.status !== 'done');
    const before = stages[k].planned_start;
    // Dragged a week to the right: the stage starts later, the next ones follow.
    const a = s.anchors[`projects.stage.${k}`];
    const x0 = a.x + Math.min(a.w / 2, 10), y0 = a.y + a.h / 2;
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(x0 + i * 8, y0);
    await page.mouse.up();
    s = await waitFor(page, x => x.projects.view?.stages?.[k]?.planned_start > before, 'the stage moved later');
    assert.equal(s.projects.error, '');
    if (k + 1 < stages.length) assert.ok(s.projects.view.stages[k + 1].planned_start > s.projects.view.stages[k].planned_end, 'the next one after it');
    // Materials asked of the client.
    await field(page, 'projects.ask.title', 'Логотип в SVG');
    await click(page, 'projects.ask');
    s = await waitFor(page, x => x.projects.view?.requests?.some(r => r.title === 'Логотип в SVG'), 'the request kept');
    if (w === 1440) {
      // Support after launch: the retainer's terms as a manager types them, hours logged.
      await field(page, 'projects.r_fee', '30 000');
      await field(page, 'projects.r_hours', '10');
      await field(page, 'projects.r_rate', '2 500,50');
      await click(page, 'projects.retainer.save');
      s = await waitFor(page, x => x.projects.support?.retainer || x.projects.error, 'the retainer set');
      assert.equal(s.projects.error, '');
      assert.deepEqual([s.projects.support.retainer.fee_minor, s.projects.support.retainer.hours_included, s.projects.support.retainer.hour_rate_minor,
        s.projects.support.retainer.day], [3000000, 10, 250050, 5]);
      assert.ok(s.projects.support.retainer.next.billed_on.endsWith('-05'));
      await field(page, 'projects.h_time', 'полтора');
      await click(page, 'projects.h_log');
      s = await waitFor(page, x => x.projects.error, 'odd hours refused');
      assert.match(s.projects.error, /Часы: например 1,5 или 1:30/);
      await click(page, 'projects.h_time');
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
      await page.keyboard.type('1:45');
      await field(page, 'projects.h_note', 'Правки в форме заказа');
      await click(page, 'projects.h_log');
      s = await waitFor(page, x => x.projects.support?.hours?.length === 1, 'the hours logged');
      assert.equal(s.projects.error, '');
      assert.equal(s.projects.support.hours[0].minutes, 105);
      assert.equal(s.projects.support.hours[0].note, 'Правки в форме заказа');
      await screenshot(page, `projects-support-${w}x${h}`);
    }
    await settle(page);
    await screenshot(page, `projects-${w}x${h}`);
  });
}
