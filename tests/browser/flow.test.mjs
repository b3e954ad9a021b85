// The measure of the manager app: one new lead walked through the whole
// conveyor — created, brief filled by the manager, estimate, proposal,
// accepted, contract, invoices, payments — with the server stopped and the
// browser offline, counting the manager's actions (clicks and key presses;
// typing the client's own data does not count).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launch, openApp, state, waitFor, saved, screenshot, settle, click as clickWidget } from '../lib/browser.mjs';

test('lead to paid invoice offline, in 15 actions or fewer', async (t) => {
  const server = await startServer();
  const { context } = await launch();
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  const page = context.pages()[0] || await context.newPage();

  // One visit while online installs the service worker; then the network goes.
  await openApp(page, server.url);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.reload();
  await openApp(page, server.url);
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the page is served by the service worker');
  await server.stop();
  await context.setOffline(true);
  await page.reload();
  let s = await openApp(page, server.url);
  assert.equal(s.online, false);
  await screenshot(page, 'flow-offline-start');

  let actions = 0;
  const click = async (name) => { await clickWidget(page, name); actions++; };
  // A text field: clicked, then the caret is there before typing (as a person sees it).
  const field = async (name) => { await click(name); await waitFor(page, x => x.want_text_input, `the caret in ${name}`); };
  const press = async (key) => { await page.keyboard.press(key); actions++; };
  const type = async (text) => { await page.keyboard.type(text); };  // the client's data: not counted

  await press('n');  // the new lead's dialog, its first field focused
  await waitFor(page, x => x.anchors['new.client_name'] && x.want_text_input, 'the new lead dialog');
  await type('Ольга Павлова');
  await press('Enter');
  s = await waitFor(page, x => x.selected && x.leads.some(l => l.client === 'Ольга Павлова'), 'the new lead in the card');
  const id = s.selected;

  await click('card.fill_brief');
  await field('brief.activity');
  await type('Пекарня с доставкой по городу');
  await click('brief.goals.sales');
  await field('brief.pages');
  await type('8');
  await screenshot(page, 'flow-brief');
  await click('brief.submit');
  await waitFor(page, x => x.leads.find(l => l.id === id)?.stage === 'brief_filled', 'the brief filled');
  await click('card.estimate');
  await waitFor(page, x => x.leads.find(l => l.id === id)?.stage === 'estimated', 'the estimate');
  await click('card.proposal');
  await waitFor(page, x => x.leads.find(l => l.id === id)?.stage === 'proposal_sent', 'the proposal');
  await click('card.accept_proposal');
  await waitFor(page, x => x.leads.find(l => l.id === id)?.stage === 'contract_sent', 'the contract');
  await click('card.accept_contract');
  await waitFor(page, x => x.leads.find(l => l.id === id)?.stage === 'invoiced', 'the invoices');
  await screenshot(page, 'flow-invoiced');

  // The print view opens the rendered invoice in a new tab (not part of the count).
  const st = await state(page);
  const r = st.anchors['card.print.invoice'];
  const [tab] = await Promise.all([context.waitForEvent('page'), page.mouse.click(r.x + r.w / 2, r.y + r.h / 2)]);
  await tab.waitForLoadState();
  assert.match(await tab.content(), /Счёт на оплату/);
  await tab.screenshot({ path: (await import('node:path')).join((await import('../lib/server.mjs')).artifacts, 'flow-print-invoice.png') });
  await tab.close();

  await click('card.pay.1');
  await waitFor(page, x => !x.anchors['card.pay.1'] && x.anchors['card.issue.2'], 'the first invoice paid');
  // The balance is planned until the launch; then the manager issues it.
  assert.equal((await state(page)).card.invoices[1].status, 'draft');
  await click('card.issue.2');
  await waitFor(page, x => x.anchors['card.pay.2'] && x.card?.invoices?.[1]?.status === 'issued', 'the balance issued');
  // A partial payment on the second invoice first (outside the count: the
  // measure is the conveyor, this checks that the invoice's status follows).
  const before = actions;
  await field('card.part.2');
  await type('1 000');
  await click('card.part_pay.2');
  s = await waitFor(page, x => x.card?.invoices?.[1]?.status === 'partially_paid', 'the partial payment');
  actions = before;
  await settle(page);
  await click('card.pay.2');
  s = await waitFor(page, x => x.leads.find(l => l.id === id)?.stage === 'won', 'the lead won');
  await saved(page);
  await screenshot(page, 'flow-won');
  console.log(`manager actions from a new lead to a paid invoice, offline: ${actions}`);
  assert.ok(actions <= 15, `${actions} actions`);
  // The manager's time, measured by the app and reported by atelier_time for
  // today's requests (this one): at most 5 minutes against the seed's 110.
  await click('view.today');
  const time = await page.evaluate(() => JSON.parse(Module.UTF8ToString(Module._atelier_debug_time())));
  const total = time.find(r => r.step === 'total');
  console.log(`manager minutes from a new lead to a paid invoice, offline: ${total.minutes}`);
  assert.equal(total.leads, 1);
  assert.ok(total.seconds > 0, 'the time was measured');
  assert.ok(total.minutes_per_request <= 5, `${total.minutes_per_request} minutes`);
  assert.equal(total.baseline_minutes, 110);
  assert.ok(time.filter(r => r.step !== 'total' && r.seconds > 0).length >= 2, `attributed to the steps it was spent on: ${JSON.stringify(time)}`);
  assert.equal(time.find(r => r.step === 'total').seconds, time.filter(r => r.step !== 'total').reduce((n, r) => n + (r.seconds || 0), 0));
  assert.ok(s.leads.find(l => l.id === id).amount_minor > 0);
  // The app's rows are the conveyor's, as the other hosts write them
  // (tests/http/hosts.test.mjs): the journal, the documents, the statuses.
  const v = s.card.view;
  assert.deepEqual(v.events.map(e => e.kind), ['lead_created', 'brief_submitted', 'estimated', 'proposal_created', 'proposal_accepted',
    'contract_signed', 'project_stage_started', 'payment_recorded', 'invoice_issued', 'payment_recorded', 'payment_recorded']);
  assert.deepEqual(v.stages.map(x => x.to), ['new', 'brief_filled', 'estimated', 'proposal_sent', 'contract_sent', 'invoiced', 'won']);
  assert.ok(v.events.every(e => e.channel === 'app' && e.actor.startsWith('device:')), 'acts of this device\'s own user');
  // Recorded by the manager (by phone), not the client's online acceptance.
  assert.equal(v.events[4].payload.channel, 'phone');
  assert.equal(v.documents.find(d => d.kind === 'proposal').acceptance.channel, 'phone');
  assert.deepEqual(v.documents.map(d => [d.kind, d.status || '']),
    [['estimate', ''], ['proposal', 'accepted'], ['contract', 'accepted'], ['invoice', 'paid'], ['invoice', 'paid']]);
  assert.equal(v.next_action.action, 'none');

  // Nothing is lost: the browser restarts, still offline, and finds it all.
  await page.reload();
  s = await openApp(page, server.url);
  assert.equal(s.leads.find(l => l.id === id).stage, 'won');
});
