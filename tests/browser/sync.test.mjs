// Two managers, two browsers (separate storage), one lead: both connect the
// app to the studio's server, go offline, each takes the same lead to
// invoices, then come back online and sync. Both end with the same data as
// the server, and the invoice numbers the server gave are unique and gapless.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, OWNER_PASSWORD } from '../lib/server.mjs';
import { launch, openApp, state, waitFor, screenshot, settle, click, field, connectApp } from '../lib/browser.mjs';
import { sql } from '../lib/sql.mjs';

// A brief answer, checked where the app keeps it.
async function answer(page, id, text) {
  await field(page, 'brief.' + id, text);
  await waitFor(page, s => s.brief_text?.[id] === text, `the answer ${id}`, 5000);
}

const digest = page => page.evaluate(() => Module.UTF8ToString(Module._atelier_debug_digest()));


async function syncNow(page) {
  await click(page, 'view.sync');
  const before = (await state(page)).sync.last_sync;
  await settle(page);
  await click(page, 'sync.now');
  return waitFor(page, s => !s.sync.busy && s.sync.last_sync && s.sync.last_sync !== before && s.sync.pending === 0,
    'a sync', 30000).catch(async () => {
    // last_sync has second precision: a second sync in the same second looks the same.
    return waitFor(page, s => !s.sync.busy && s.sync.pending === 0, 'a sync', 30000);
  });
}

// The lead from the brief to its invoices, offline.
async function toInvoices(page, lead) {
  await click(page, 'view.table');
  await waitFor(page, s => s.anchors['row.0.client'], 'the leads table');
  await click(page, 'row.0.client');
  await waitFor(page, s => s.selected === lead, 'the lead selected');
  await click(page, 'card.fill_brief');
  await answer(page, 'activity', 'Pâtisserie fine');
  await click(page, 'brief.goals.sales');
  await answer(page, 'pages', '6');
  await click(page, 'brief.submit');
  await waitFor(page, s => s.leads.find(l => l.id === lead)?.stage === 'brief_filled', 'the brief filled').catch(async (e) => {
    await screenshot(page, 'sync-brief-not-filled');
    const s = await state(page);
    throw new Error(`${e.message.slice(0, 200)}; error: ${s.error}; editing_brief: ${s.editing_brief}`);
  });
  await click(page, 'card.estimate');
  await waitFor(page, s => s.leads.find(l => l.id === lead)?.stage === 'estimated', 'the estimate');
  await click(page, 'card.proposal');
  await waitFor(page, s => s.leads.find(l => l.id === lead)?.stage === 'proposal_sent', 'the proposal');
  await click(page, 'card.accept_proposal');
  await waitFor(page, s => s.leads.find(l => l.id === lead)?.stage === 'contract_sent', 'the contract');
  await click(page, 'card.accept_contract');
  return waitFor(page, s => s.leads.find(l => l.id === lead)?.stage === 'invoiced' && s.card?.invoices?.length > 0,
    'the invoices');
}

test('two browsers take the same lead offline to invoices, then sync: one contract, numbers gapless in order; a third device keeps the studio details', async (t) => {
  const server = await startServer({ args: ['--no-demo'] });
  const a = await launch(), b = await launch();
  t.after(async () => {
    await a.context.close().catch(() => {});
    await b.context.close().catch(() => {});
    await server.stop();
  });
  // A request from the studio's site form.
  let r = await fetch(server.url + '/api/leads', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'Claire Dubois', email: 'claire@eclair.fr', lang: 'fr', currency: 'EUR' }) });
  assert.equal(r.status, 201);
  const lead = (await r.json()).id;
  const email = sql(server.db, "SELECT email FROM users WHERE role = 'owner' AND password_hash != ''");

  const pa = a.context.pages()[0] || await a.context.newPage();
  const pb = b.context.pages()[0] || await b.context.newPage();
  for (const p of [pa, pb]) {
    await openApp(p, server.url);
    const s = await connectApp(p, email);
    assert.ok(s.leads.some(l => l.id === lead), 'the lead from the server is in the app');
    assert.equal(s.sync.error, '');
  }
  await screenshot(pa, 'sync-connected');
  const da = (await state(pa)).sync.device, db = (await state(pb)).sync.device;
  assert.notEqual(da, db);

  // Offline, both take the lead to its invoices: provisional numbers.
  await a.context.setOffline(true);
  await b.context.setOffline(true);
  const sa = await toInvoices(pa, lead);
  const sb = await toInvoices(pb, lead);
  // Offline, the advance has a provisional number; the balance is planned (no number yet).
  for (const s of [sa, sb]) for (const inv of s.card.invoices.filter(i => i.status !== 'draft')) assert.match(inv.number, /^D-[0-9a-f]{4}-\d{4}$/);
  for (const s of [sa, sb]) assert.deepEqual(s.card.invoices.map(i => i.status), ['issued', 'draft']);
  assert.ok((await state(pa)).sync.pending > 0);
  await screenshot(pa, 'sync-offline-pending');

  // Back online: each syncs, then A once more to receive B's changes.
  await a.context.setOffline(false);
  await b.context.setOffline(false);
  await syncNow(pa);
  await syncNow(pb);
  await syncNow(pa);
  // The invoices that stand carry the server's numbers; the other manager's are void.
  const issued = i => i.status !== 'void' && i.status !== 'draft';
  const numbered = s => s.card?.invoices?.some(issued) && s.card.invoices.filter(issued).every(i => /^\d{4}-\d{4}$/.test(i.number));
  const fa = await waitFor(pa, numbered, 'server numbers in A');
  const fb = await waitFor(pb, numbered, 'server numbers in B');
  await screenshot(pa, 'sync-after-a');
  await screenshot(pb, 'sync-after-b');

  // One result everywhere.
  const status = await (await server.api('/api/sync/status?digest=1')).json();
  assert.equal(await digest(pa), status.digest);
  assert.equal(await digest(pb), status.digest);
  assert.deepEqual(fa.card.invoices, fb.card.invoices);
  assert.equal(fa.leads.find(l => l.id === lead).stage, fb.leads.find(l => l.id === lead).stage);
  // One contract stands; one invoice per line of its schedule, numbered
  // 1..n without a gap in the schedule's order; the void ones have none.
  assert.equal(sql(server.db, `SELECT count(*) FROM contracts WHERE lead_id = '${lead}' AND status NOT IN ('superseded', 'declined')`), '1');
  assert.equal(sql(server.db, `SELECT count(*) FROM invoices WHERE lead_id = '${lead}' AND status != 'void'`), String(sa.card.invoices.length));
  const live = sql(server.db, `SELECT number FROM invoices WHERE lead_id = '${lead}' AND status NOT IN ('void', 'draft') ORDER BY position`).split('\n');
  assert.equal(live.length, sa.card.invoices.filter(i => i.status !== 'draft').length);
  live.forEach((n, i) => assert.equal(n, `${n.slice(0, 4)}-${String(i + 1).padStart(4, '0')}`));
  assert.equal(sql(server.db, "SELECT count(*) FROM invoices WHERE status = 'void' AND number IS NOT NULL"), '0');
  assert.equal(sql(server.db, "SELECT count(*) FROM invoices WHERE status NOT IN ('void', 'draft') AND number IS NULL"), '0');
  // The manager whose contract was withdrawn is told why.
  const refused = [...(await state(pa)).sync.refusals, ...(await state(pb)).sync.refusals];
  assert.ok(refused.some(r => /reached the studio first/.test(JSON.stringify(r))), JSON.stringify(refused).slice(0, 500));

  // The studio's details, entered after A and B joined, survive a third
  // device that connects later, on every replica.
  sql(server.db, "UPDATE studio SET name = 'Студия «Атлас»', legal_name = 'ИП Атласов А. А.', tax_id = '7701234567'");
  const c = await launch();
  t.after(async () => { await c.context.close().catch(() => {}); });
  const pc = c.context.pages()[0] || await c.context.newPage();
  await openApp(pc, server.url);
  await connectApp(pc, email);
  await syncNow(pc);
  await syncNow(pa);
  await syncNow(pb);
  assert.equal(sql(server.db, 'SELECT name || \'|\' || legal_name || \'|\' || tax_id FROM studio'), 'Студия «Атлас»|ИП Атласов А. А.|7701234567');
  for (const p of [pa, pb, pc]) {
    const st = await waitFor(p, x => x.studio_name === 'Студия «Атлас»', 'the studio\'s name on every device', 30000);
    assert.equal(st.studio_name, 'Студия «Атлас»');
  }
  const final = await (await server.api('/api/sync/status?digest=1')).json();
  for (const p of [pa, pb, pc]) assert.equal(await digest(p), final.digest);
  await screenshot(pc, 'sync-third-device');
  // Every change of both devices reached the server once.
  assert.equal(sql(server.db, `SELECT count(*) = count(DISTINCT hlc) FROM change_log WHERE device IN ('${da}', '${db}')`), '1');
});
