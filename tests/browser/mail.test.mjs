// The client loop from the manager's app: a proposal sent from the lead
// card (with a preview of the e-mail) reaches a real SMTP server; the
// client opens the link from that e-mail, accepts, and lands on the
// contract. The card then shows the message and the client's views.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ownerEmail } from '../lib/server.mjs';
import { launch, openApp, waitFor, screenshot, settle, click, field, connectApp } from '../lib/browser.mjs';
import { sql } from '../lib/sql.mjs';
import { startSmtp, mailbox, waitForMail } from '../lib/mail.mjs';

// The app opened on the server and connected as the studio's owner.
async function connect(page, server) {
  await openApp(page, server.url);
  await connectApp(page, ownerEmail(server.db));
}

test('send a proposal from the lead card: the e-mail arrives, its link opens, the client accepts and lands on the contract', async (t) => {
  const smtp = await startSmtp();
  const server = await startServer({ args: ['--smtp-url', smtp.url, '--mail-from', 'studio@atlas.test', '--retry-seconds', '1'] });
  const { context } = await launch({ viewport: { width: 1440, height: 900 } });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); await smtp.stop(); });

  // A lead with a proposal, made on the server as another manager would.
  const lead = sql(server.db, `SELECT atelier_lead_create('{"client_name":"Вера Орлова","email":"vera@orlova.ru","lang":"ru","currency":"RUB"}', 'anna')`);
  sql(server.db, `SELECT atelier_brief_save('${lead}', 'landing', '{"company":"Орлова и К","activity":"Кофейня","goals":["leads"],"pages":2,"languages":1,"design_level":"template","urgency":"normal"}', 1, 'anna')`);
  const proposal = sql(server.db, `SELECT atelier_proposal_create(atelier_estimate_lead('${lead}', '{"start_date":"2026-12-01"}', 'anna'), 'anna')`);
  // The rule sends the proposal's link by itself: the first e-mail.
  await waitForMail(smtp.dir, 1);

  const page = context.pages()[0] || await context.newPage();
  await connect(page, server);
  await waitFor(page, s => s.leads.some(l => l.id === lead), 'the lead synced', 30000);
  await waitFor(page, s => s.sync.mail_sending === '1', 'the app knows the server sends mail', 30000);
  await waitFor(page, s => s.studio_name === 'Студия «Атлас»', 'the studio\'s details from the server', 30000).catch(async e => {
    const s = await page.evaluate(() => JSON.parse(Module.UTF8ToString(Module._atelier_debug_state())));
    throw new Error('studio_name: ' + s.studio_name + ' / ' + e.message.slice(0, 100));
  });

  await click(page, 'view.table');
  await waitFor(page, s => s.anchors['row.0.client'] && s.leads[0]?.id === lead, 'the lead first in the table');
  await click(page, 'row.0.client');
  await waitFor(page, s => s.selected === lead && s.card?.view?.documents?.some(d => d.kind === 'proposal' && d.link), 'the card with the proposal and its link');
  let s = await waitFor(page, x => x.anchors['card.send.proposal'], 'the send button');
  assert.ok(s.card.view.messages.some(m => m.rule === 'proposal_link' && m.status === 'sent'), 'the card shows the e-mail the rule sent');
  await click(page, 'card.send.proposal');
  s = await waitFor(page, x => x.send_preview?.subject, 'the preview of the e-mail');
  assert.equal(s.send_preview.recipient, 'vera@orlova.ru');
  assert.match(s.send_preview.subject, /^Коммерческое предложение/);
  assert.match(s.send_preview.body, /^Здравствуйте, Вера Орлова!/);
  assert.match(s.send_preview.subject, /Студия «Атлас»$/, 'the studio of the lead, as the server has it: ' + s.send_preview.subject);
  const shown = s.card.view.documents.find(d => d.kind === 'proposal').link;
  assert.ok(s.send_preview.body.includes(server.url + shown), 'the preview shows the link the client gets');
  await screenshot(page, 'mail-send-preview');
  await click(page, 'card.send_confirm');
  await waitFor(page, x => !x.send_preview && /очередь/.test(x.notice), 'queued');

  // The app syncs the event; the server's rule sends it. (The mailbox also
  // holds the rules' own mails: the studio told of the brief, the proposal's
  // link; so it is this message, by its Message-ID, that is waited for.)
  let mail;
  for (const until = Date.now() + 30000; !mail && Date.now() < until; await new Promise(r => setTimeout(r, 100))) {
    const id = sql(server.db, `SELECT id FROM outbox WHERE lead_id = '${lead}' AND rule = 'send_proposal'`);
    if (id) mail = mailbox(smtp.dir).find(m => m.headers['message-id'] === `<${id}@atlas.test>`);
  }
  assert.ok(mail, 'the e-mail sent from the card is in the mailbox');
  assert.equal(mail.headers['x-envelope-to'], 'vera@orlova.ru');
  const link = /http:\/\/127\.0\.0\.1:\d+\/c\/[A-Za-z0-9_-]{22}/.exec(mail.text)[0];

  // The client, in another tab: opens, accepts, lands on the contract.
  const client = await context.newPage();
  await client.goto(link);
  assert.match(await client.textContent('body'), /Коммерческое предложение/);
  await client.fill('#accept-name', 'Вера Орлова');
  await Promise.all([client.waitForNavigation(), client.click('button[value=accept]')]);
  const contract = sql(server.db, `SELECT id FROM contracts WHERE proposal_id = '${proposal}'`);
  const ctoken = sql(server.db, `SELECT token FROM doc_links WHERE kind = 'contract' AND doc_id = '${contract}'`);
  assert.equal(new URL(client.url()).pathname, '/c/' + ctoken);
  assert.match(await client.textContent('body'), /Договор/);
  await screenshot(client, 'mail-client-contract');
  // And the contract's own e-mail follows, with the same link the client landed on.
  for (let i = 0; !mailbox(smtp.dir).some(m => /^Договор/.test(m.headers.subject) && m.text.includes('/c/' + ctoken)); i++) {
    assert.ok(i < 300, 'the contract e-mail arrives');
    await new Promise(r => setTimeout(r, 100));
  }

  // Back in the app after a sync: the journal says the client opened and accepted.
  await click(page, 'view.sync');
  await click(page, 'sync.now');
  await click(page, 'view.table');
  await waitFor(page, x => x.view === 'table', 'the leads view').catch(async () => {
    await click(page, 'view.table');  // a click while the sync was answering
    await waitFor(page, x => x.view === 'table', 'the leads view');
  });
  await settle(page);
  s = await waitFor(page, x => x.card?.view?.events?.some(e => e.kind === 'proposal_accepted')
    && x.card.view.events.some(e => e.kind === 'document_opened'), 'the journal with the opening and the acceptance', 30000);
  await screenshot(page, 'mail-card-journal');
  assert.equal(s.card.view.stage, 'contract_sent');

  // The manager back on the app's tab: a note typed in this long card lands
  // whole. (A tab in the background draws no frames: keys sent to it are not
  // a manager's.)
  await page.bringToFront();
  const note = 'Вера перезвонит после обеда, договор подпишет в пятницу у себя в офисе';
  await field(page, 'card.note', note);
  await waitFor(page, x => x.note_text === note, 'the whole note typed');
});

test('the notification rules screen: a rule switched off and an e-mail rewritten in the app reach the server; the preview shows the new text', async (t) => {
  const server = await startServer();
  const { context } = await launch({ viewport: { width: 1440, height: 900 } });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  const page = context.pages()[0] || await context.newPage();
  await connect(page, server);

  await click(page, 'view.settings');
  // The second rule of the shipped set is the brief reminder. A click on the
  // tab while a sync redraws the screen may land on the frame before: once more.
  await click(page, 'settings.tab.rules');
  await waitFor(page, s => s.anchors['rules.enabled.1'] && s.anchors['rules.select.0'], 'the list of rules', 5000).catch(async () => {
    await settle(page);
    await click(page, 'settings.tab.rules');
    await waitFor(page, s => s.anchors['rules.enabled.1'] && s.anchors['rules.select.0'], 'the list of rules');
  });
  await screenshot(page, 'rules-list');
  await click(page, 'rules.enabled.1');
  await waitFor(page, s => s.settings.notice, 'the rule saved');
  await click(page, 'rules.select.0');
  await waitFor(page, s => s.anchors['rules.subject'] && s.settings.rule === 'brief_link' && !s.settings.notice, 'the brief link e-mail');
  await click(page, 'rules.subject');
  await waitFor(page, s => s.want_text_input, 'the caret in the subject');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Анкета для {{client.name}}');
  // The preview follows the text as it is typed, before it is saved.
  const s = await waitFor(page, x => /^Анкета для \S/.test(x.settings.rule_preview?.subject || ''), 'the live preview');
  assert.ok(!s.settings.rule_preview.subject.includes('{{'), 'the name filled in');
  await screenshot(page, 'rules-preview');
  // A text that does not render says why, and is not saved.
  await page.keyboard.type(' {{#client}}');
  await waitFor(page, x => x.settings.rule_preview?.problem && !x.settings.rule_preview?.subject, 'the preview\'s refusal');
  for (let i = 0; i < ' {{#client}}'.length; i++) await page.keyboard.press('Backspace');
  await waitFor(page, x => /^Анкета для \S/.test(x.settings.rule_preview?.subject || ''), 'the preview again');
  await click(page, 'rules.save_template');
  await waitFor(page, s => s.settings.notice && !s.settings.error, 'the text saved');

  // Synced: the server's rule is off and its e-mail has the new text.
  await click(page, 'view.sync');
  await click(page, 'sync.now');
  for (let i = 0; sql(server.db, "SELECT enabled FROM rules WHERE code = 'brief_reminder'") !== '0'; i++) {
    assert.ok(i < 300, 'the switched-off rule reaches the server');
    await new Promise(r => setTimeout(r, 100));
  }
  const subject = "SELECT subject FROM templates WHERE kind = 'email' AND code = 'brief_link' AND lang = 'ru' ORDER BY version DESC LIMIT 1";
  for (let i = 0; sql(server.db, subject) !== 'Анкета для {{client.name}}'; i++) {
    assert.ok(i < 300, 'the new text reaches the server: ' + sql(server.db, subject));
    await new Promise(r => setTimeout(r, 100));
  }
  // And the server's next brief e-mail uses it.
  const lead = (await (await fetch(server.url + '/api/leads', { method: 'POST', body: new URLSearchParams({ name: 'Ирина', email: 'irina@example.ru' }) })).json()).id;
  for (let i = 0; sql(server.db, `SELECT subject FROM outbox WHERE lead_id = '${lead}' AND rule = 'brief_link'`) !== 'Анкета для Ирина'; i++) {
    assert.ok(i < 100, 'the brief e-mail with the new subject');
    await new Promise(r => setTimeout(r, 100));
  }
});

test('a note and a task on a lead: in the journal, in Today, and on the server', async (t) => {
  const server = await startServer();
  // Moscow: UTC+3 all year; the task's time is typed in the browser's zone.
  const { context } = await launch({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Moscow' });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  const page = context.pages()[0] || await context.newPage();
  await connect(page, server);
  await click(page, 'view.table');
  await waitFor(page, x => x.view === 'table', 'the leads view');
  await click(page, 'row.0.client');
  const lead = (await waitFor(page, x => x.selected && x.anchors['card.note'], 'the card')).selected;
  await settle(page);
  await field(page, 'card.note', 'Позвонила: договор подпишет в пятницу');
  await waitFor(page, x => x.note_text === 'Позвонила: договор подпишет в пятницу', 'the note typed');
  await click(page, 'card.note_add');
  await waitFor(page, x => x.card.view.events.some(e => e.kind === 'note_added' && e.payload.text === 'Позвонила: договор подпишет в пятницу'),
    'the note in the journal');
  await settle(page);
  await field(page, 'card.task', 'Проверить подпись договора');
  await waitFor(page, x => x.task_title === 'Проверить подпись договора', 'the task typed');
  // A date that is not one: the form says which field, and nothing is written.
  await field(page, 'card.task_date', '');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('31.02.2027');
  await waitFor(page, x => x.task_date === '31.02.2027', 'the wrong date typed');
  await click(page, 'card.task_add');
  const refused = await waitFor(page, x => x.error, 'the date refused');
  assert.match(refused.error, /Задача: дата/);
  assert.equal(refused.card.view.tasks.length, 0);
  await field(page, 'card.task_date', '');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('15.12.2027');
  await field(page, 'card.task_time', '');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('10:30');
  await waitFor(page, x => x.task_date === '15.12.2027' && x.task_time === '10:30', 'the date and time typed');
  await click(page, 'card.task_add');
  const added = await waitFor(page, x => x.card.view.tasks.some(t => t.title === 'Проверить подпись договора'), 'the task on the lead');
  assert.equal(added.error, '', 'the refusal is gone once the task is written');
  assert.equal(added.card.view.tasks.find(t => t.title === 'Проверить подпись договора').due_at, '2027-12-15T07:30:00Z');
  await screenshot(page, 'card-note-task');
  await click(page, 'view.today');
  const today = await waitFor(page, x => x.today?.tasks?.some(t => t.title === 'Проверить подпись договора'), 'the task in Today');
  assert.ok(!today.today.tasks.find(t => t.title === 'Проверить подпись договора').overdue, 'due in a year, not overdue');
  // The leads waiting on the manager, each with the manager's next step.
  assert.ok(today.today.waiting.length > 0, 'the demo studio has leads waiting');
  for (const w of today.today.waiting)
    assert.ok(['send_brief', 'estimate', 'send_proposal', 'issue_invoice', 'close_won'].includes(w.action), JSON.stringify(w));
  await screenshot(page, 'today');
  // Later: tomorrow, 09:00 in Moscow.
  const index = today.today.tasks.findIndex(t => t.title === 'Проверить подпись договора');
  await click(page, `today.snooze.${index}`);
  await waitFor(page, x => x.anchors['today.snooze_tomorrow'], 'the snooze choices');
  await click(page, 'today.snooze_tomorrow');
  const moscow = new Date(Date.now() + 3 * 3600e3 + 86400e3).toISOString().slice(0, 10);
  await waitFor(page, x => !x.today?.tasks?.some(t => t.title === 'Проверить подпись договора'), 'the task put off, out of Today');
  await waitFor(page, x => x.card.view.tasks.some(t => t.title === 'Проверить подпись договора' && t.due_at === `${moscow}T06:00:00Z`),
    'the task moved to tomorrow, 09:00 in Moscow');
  await click(page, 'view.sync');
  await click(page, 'sync.now');
  for (let i = 0; sql(server.db, `SELECT count(*) FROM events WHERE lead_id = '${lead}' AND kind = 'note_added'`) !== '1'; i++) {
    assert.ok(i < 300, 'the note reaches the server');
    await new Promise(r => setTimeout(r, 100));
  }
  for (let i = 0; sql(server.db, `SELECT title FROM tasks WHERE lead_id = '${lead}'`) !== 'Проверить подпись договора'; i++) {
    assert.ok(i < 300, 'the task reaches the server');  // its own sync may follow the note's
    await new Promise(r => setTimeout(r, 100));
  }
});
