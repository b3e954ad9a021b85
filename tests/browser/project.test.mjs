// The signed project's stages in the lead card: completing one issues the
// payments of the schedule due at its end, and the server has them after
// the sync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ownerEmail } from '../lib/server.mjs';
import { launch, openApp, waitFor, screenshot, settle, click, connectApp } from '../lib/browser.mjs';
import { sql } from '../lib/sql.mjs';

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
