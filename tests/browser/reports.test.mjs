// The Reports view on the demo studio's year, in the app alone (a local
// copy, as a newcomer first sees it), in Russian and French: each chart is
// on screen and screenshotted, the figures are the core's, a funnel bar
// drills down to its leads and opens one, a table exports as CSV, Today
// links to the overdue money; and the manager's minutes are measured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStaticApp } from '../lib/server.mjs';
import { launch, openApp, waitFor, screenshot, settle, click, checkScreen } from '../lib/browser.mjs';

// The app's files from a plain static server: no Atelier server, so the app
// is a local copy and offers the demo studio, which it makes itself.
async function staticApp(t) {
  const files = await startStaticApp();
  t.after(() => files.stop());
  return files.url;
}

async function demoApp(page, url, lang) {
  await openApp(page, url, { choose: false });
  await click(page, 'local.demo');
  const s = await waitFor(page, x => x.first_run === 'done' && x.leads.length >= 280, 'the demo studio with its year', 120000);
  if (s.lang === lang) return s;
  await click(page, 'lang.' + lang);
  return waitFor(page, x => x.lang === lang, 'the app in ' + lang);
}

// Picks a line of the "whose requests" list. The list's first frame places
// it; the click goes where it settled.
async function chooseOnly(page, index) {
  await click(page, 'reports.only');
  await waitFor(page, x => x.anchors['reports.only.0'], 'the list of managers');
  await settle(page);
  await click(page, `reports.only.${index}`);
}

for (const lang of ['ru', 'fr']) {
  test(`Reports in ${lang}: the funnel, win rates, losses, money, forecast and minutes; a bar drills down to its leads; CSV`, async (t) => {
    const url = await staticApp(t);
    const { context } = await launch({ viewport: { width: 1440, height: 1000 } });
    t.after(async () => { await context.close().catch(() => {}); });
    const page = context.pages()[0] || await context.newPage();
    let s = await demoApp(page, url, lang);
    assert.equal(s.lang, lang);

    await click(page, 'view.reports');
    s = await waitFor(page, x => x.view === 'reports' && x.reports?.data?.funnel, 'the reports computed');
    const funnel = s.reports.data.funnel.rows;
    assert.equal(funnel.length, 8);
    assert.ok(funnel.every(r => r.entered > 0), 'every stage of the year reached');
    assert.ok(funnel[0].entered >= 250, `${funnel[0].entered} requests in 12 months`);
    assert.ok(s.reports.data.win_rate.rows.length >= 2 && s.reports.data.lost_reasons.rows.length >= 4);
    assert.ok(s.reports.data.revenue.rows.some(r => r.paid_minor > 0));
    assert.ok(s.reports.data.receivables.rows.some(r => r.bucket !== 'not_due'));
    assert.ok(s.reports.data.forecast.rows.some(r => r.weighted_minor > 0));
    const total = s.reports.data.time.rows.find(r => r.step === 'total');
    assert.ok(total.minutes_per_request > 0 && total.minutes_per_request < total.baseline_minutes);
    for (const a of ['reports.funnel.all.0', 'reports.funnel.all.7', 'reports.lost.0', 'reports.time.7', 'reports.revenue.RUB', 'reports.forecast.RUB'])
      assert.ok(s.anchors[a], `${a} on screen`);
    await settle(page);
    await screenshot(page, `reports-${lang}`);
    await checkScreen(page, `reports in ${lang}`, { allow: s.leads.map(l => l.company).concat(['website', 'referral', 'phone', 'ads', 'exhibition']) });

    // The period: 30 days has fewer requests than 12 months.
    const from12 = s.reports.from;
    await click(page, 'reports.period.0');
    s = await waitFor(page, x => x.reports.from > from12 && x.reports.data.funnel.rows[0].entered < funnel[0].entered, 'the last 30 days');
    await click(page, 'reports.period.2');
    s = await waitFor(page, x => x.reports.data.funnel.rows[0].entered === funnel[0].entered, 'back to 12 months');

    // One manager's requests only: the funnel counts his, as the win rate per
    // manager counted them; the bar drills down to his alone.
    const owner = s.reports.owners[0];
    const his = s.reports.data.win_rate.rows.filter(r => r.grp === owner).reduce((n, r) => n + r.leads, 0);
    assert.ok(his > 0 && his < funnel[0].entered, `${owner}: ${his} of ${funnel[0].entered}`);
    await chooseOnly(page, 1);
    s = await waitFor(page, x => x.reports.only === 'owner:' + owner && x.reports.data.funnel.rows[0].entered === his, `${owner}'s requests`);
    assert.ok(s.reports.data.win_rate.rows.every(r => r.grp === owner));
    await click(page, 'reports.funnel.all.0');
    s = await waitFor(page, x => x.reports.drill?.key === 'new' && x.reports.drill_leads.length === his, 'his requests behind the bar');
    await settle(page);
    await screenshot(page, `reports-${lang}-owner`);
    await click(page, 'reports.drill.close');
    await waitFor(page, x => !x.reports.drill && !x.anchors['reports.drill.close'], 'the bar\'s list closed');
    await chooseOnly(page, 0);
    await waitFor(page, x => x.reports.only === '', '"all requests" chosen');
    s = await waitFor(page, x => x.reports.only === '' && x.reports.data.funnel.rows[0].entered === funnel[0].entered, 'every request again');

    // The proposal bar: its leads, each of which reached the proposal; one opened in its card.
    const proposal = funnel.find(r => r.stage === 'proposal_sent');
    await click(page, 'reports.funnel.all.4');
    s = await waitFor(page, x => x.reports.drill?.key === 'proposal_sent' && x.reports.drill_leads.length === proposal.entered, 'the bar\'s leads');
    await settle(page);
    await screenshot(page, `reports-${lang}-drill`);
    const first = s.reports.drill_leads.find(id => s.anchors['reports.drill.0'] && s.leads.some(l => l.id === id));
    await click(page, 'reports.drill.0');
    s = await waitFor(page, x => x.view === 'table' && x.selected && x.card, 'the lead\'s card from the report');
    assert.ok(s.reports === null && s.card.view.documents.some(d => d.kind === 'proposal'), 'the lead opened has its proposal');
    assert.ok(first);

    // CSV of the win rate: the table as the core gives it.
    await click(page, 'view.reports');
    s = await waitFor(page, x => x.view === 'reports' && x.anchors['reports.csv.win_rate'], 'the reports again');
    const [download] = await Promise.all([page.waitForEvent('download'), click(page, 'reports.csv.win_rate')]);
    const text = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
    assert.equal(text[0], 'grp,leads,won,lost,win_rate,avg_won_minor,currency,median_days_to_won');
    assert.equal(text.length - 1, s.reports.data.win_rate.rows.length);
    const r0 = s.reports.data.win_rate.rows[0];
    assert.ok(text[1].startsWith(`${r0.grp},${r0.leads},${r0.won},${r0.lost},`), text[1]);
    assert.match(download.suggestedFilename(), /^atelier-win_rate-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/);

    // Today links to the money overdue.
    await click(page, 'view.today');
    s = await waitFor(page, x => x.view === 'today' && Object.keys(x.anchors).some(a => a.startsWith('today.overdue.')), 'overdue money in Today');
    await click(page, Object.keys(s.anchors).find(a => a.startsWith('today.overdue.')));
    s = await waitFor(page, x => x.view === 'reports' && x.reports.drill?.report === 'receivables' && x.reports.drill_leads.length > 0, 'the overdue invoices\' leads');
    await screenshot(page, `reports-${lang}-overdue`);

    // The minutes measured while this test clicked: in the ledger, and in the report.
    assert.ok(s.time.recorded + s.time.pending > 0, 'active time measured');
  });
}

test('Reports on a phone and in the dark theme: the charts fit the screen', async (t) => {
  const url = await staticApp(t);
  const { context } = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 });
  t.after(async () => { await context.close().catch(() => {}); });
  const page = context.pages()[0] || await context.newPage();
  await demoApp(page, url, 'ru');
  await click(page, 'view.reports');
  let s = await waitFor(page, x => x.view === 'reports' && x.reports?.data?.funnel && x.anchors['reports.funnel.all.0'], 'the reports on a phone');
  const width = s.framebuffer[0];
  for (const [name, r] of Object.entries(s.anchors).filter(([n]) => n.startsWith('reports.funnel.all.')))
    assert.ok(r.x >= 0 && r.x + r.w <= width + 1, `${name} inside the screen`);
  await settle(page);
  await screenshot(page, 'reports-phone');
  await checkScreen(page, 'reports on a phone', { allow: s.leads.map(l => l.company).concat(['website', 'referral', 'phone', 'ads', 'exhibition']) });
  await click(page, 'theme.toggle');
  s = await waitFor(page, x => x.view === 'reports' && x.theme === 'dark', 'the reports in the dark theme');
  await settle(page);
  await screenshot(page, 'reports-phone-dark');
});
