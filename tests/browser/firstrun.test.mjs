// The first run: served by the studio's server, the app asks to sign in and
// shows the studio's data only once it has it; served without a server, it
// says it is a local copy and offers the demo studio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startStaticApp, ownerEmail, OWNER_PASSWORD } from '../lib/server.mjs';
import { launch, openApp, waitFor, screenshot, click, settle, saved } from '../lib/browser.mjs';
import { sql } from '../lib/sql.mjs';

test('served by a seeded server: a log-in screen with the studio\'s name, a wrong password refused, then the studio\'s leads', async (t) => {
  const server = await startServer();
  const { context } = await launch({ viewport: { width: 1440, height: 900 } });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  const page = context.pages()[0] || await context.newPage();
  let s = await openApp(page, server.url, { choose: false });
  assert.equal(s.first_run, 'login');
  assert.ok(s.anchors['login.email'] && s.anchors['login.password'] && s.anchors['login.submit']);
  assert.ok(!s.anchors['new.open'] && s.leads.length === 0, 'nothing of the empty local copy is shown');
  const studio = sql(server.db, 'SELECT name FROM studio');
  assert.equal(s.server_studio, studio);
  await settle(page);
  await screenshot(page, 'first-run-login');

  await click(page, 'login.email');
  await waitFor(page, x => x.want_text_input, 'the caret in the e-mail');
  await page.keyboard.type(ownerEmail(server.db));
  await click(page, 'login.password');
  await waitFor(page, x => x.want_text_input, 'the caret in the password');
  await page.keyboard.type('not-the-password');
  await page.keyboard.press('Enter');
  s = await waitFor(page, x => x.first_run === 'login' && x.login_error, 'the refusal', 20000);
  assert.equal(s.login_error, 'Неверный e-mail или пароль.');
  await screenshot(page, 'first-run-login-refused');

  await click(page, 'login.password');
  await waitFor(page, x => x.want_text_input, 'the caret in the password');
  await page.keyboard.type(OWNER_PASSWORD);
  await click(page, 'login.submit');
  s = await waitFor(page, x => x.first_run === 'done' && x.anchors['new.open'], 'the studio\'s data', 30000);
  const count = Number(sql(server.db, 'SELECT count(*) FROM leads'));
  assert.equal(s.leads.length, Math.min(count, 500), 'the studio\'s leads, all of them, at the first screen');
  assert.equal(s.studio_name, studio);
  assert.ok(s.sync.connected);
  await settle(page);
  await screenshot(page, 'first-run-signed-in');

  // Reloaded: straight into the app, still connected.
  await page.reload();
  s = await openApp(page, server.url, { choose: false });
  assert.equal(s.first_run, 'done');
  assert.equal(s.leads.length, Math.min(count, 500));
});

test('served without a server: a local copy, said so, and the demo studio on offer', async (t) => {
  const files = await startStaticApp();
  const { context } = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 });
  t.after(async () => { await context.close().catch(() => {}); files.stop(); });
  const url = files.url;
  const page = context.pages()[0] || await context.newPage();
  let s = await openApp(page, url, { choose: false });
  assert.equal(s.first_run, 'no_server');
  assert.equal(s.db_image, false, 'no server, no empty database from it: the app made its own');
  assert.ok(s.anchors['local.demo'] && s.anchors['local.empty']);
  await settle(page);
  await screenshot(page, 'first-run-no-server-phone');
  await click(page, 'local.demo');
  s = await waitFor(page, x => x.first_run === 'done' && x.leads.length > 0 && x.connection, 'the demo studio', 60000);
  assert.equal(s.studio_name, 'Студия «Атлас»');
  assert.match(s.connection, /Локальная копия/);
  await settle(page);
  await screenshot(page, 'first-run-demo-phone');
  await saved(page);
  await page.reload();
  s = await openApp(page, url, { choose: false });
  assert.equal(s.first_run, 'done', 'the choice is kept');
  assert.ok(s.leads.length > 0, 'and the demo data');
});
