// The app as an installable web app: icons, a manifest Chromium accepts, and
// a tab title that says where the manager is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ownerEmail } from '../lib/server.mjs';
import { launch, openApp, waitFor, screenshot, click, field, connectApp } from '../lib/browser.mjs';

test('installable: the manifest and icons pass Chromium\'s check; the tab title follows the view and the lead', async (t) => {
  const server = await startServer();
  const { context } = await launch({ viewport: { width: 1280, height: 800 } });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  const page = context.pages()[0] || await context.newPage();
  await openApp(page, server.url);

  // What the browser fetches for the tab and the installed app.
  for (const [path, type] of [['/manifest.webmanifest', /application\/manifest\+json/], ['/icon-192.png', /image\/png/],
    ['/icon-512.png', /image\/png/], ['/icon-32.png', /image\/png/], ['/icon.svg', /image\/svg\+xml/]]) {
    const r = await fetch(server.url + path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type'), type, path);
  }
  const png = Buffer.from(await (await fetch(server.url + '/icon-512.png')).arrayBuffer());
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.equal(png.readUInt32BE(16), 512, 'the 512 px icon is 512 px wide');

  // Chromium's own verdict, once the service worker controls the page.
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cdp = await context.newCDPSession(page);
  const manifest = await cdp.send('Page.getAppManifest');
  assert.deepEqual(manifest.errors, []);
  assert.match(manifest.url, /manifest\.webmanifest$/);
  let errors;
  for (let i = 0; i < 50; i++) {
    errors = (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors;
    if (errors.length === 0) break;
    await page.waitForTimeout(200);
  }
  assert.deepEqual(errors, [], JSON.stringify(errors));

  // The tab's title: the view, then the open lead.
  await page.waitForFunction(() => document.title === 'Заявки — Atelier');
  await click(page, 'view.settings');
  await waitFor(page, s => s.view === 'settings', 'settings');
  await page.waitForFunction(() => document.title === 'Настройки — Atelier');
  await click(page, 'view.table');
  await waitFor(page, s => s.view === 'table', 'the leads');
  await field(page, 'new.client_name', 'Вера Орлова');
  await click(page, 'new.add');
  await waitFor(page, x => x.leads.some(l => l.client_name === 'Вера Орлова' || l.client === 'Вера Орлова'), 'the new lead');
  await click(page, 'row.0.client');
  await waitFor(page, x => x.selected && x.card, 'the lead open');
  await page.waitForFunction(() => document.title === 'Вера Орлова — Atelier');
  await screenshot(page, 'webapp-title');
});

test('reload keeps the view, the open lead and the language; back and forward move between views', async (t) => {
  const server = await startServer();
  const { context } = await launch({ viewport: { width: 1280, height: 800 } });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  const page = context.pages()[0] || await context.newPage();
  const first = await openApp(page, server.url);
  // A first visit: the shell's read finds no stored database (and does not
  // make one), so the app starts on an empty /data without a load, from the
  // server's empty database; its first save makes IndexedDB's database,
  // which the reload below reads.
  assert.equal(first.persist.storage_read, 'none', 'a first visit has nothing stored to read');
  assert.equal(first.db_image, true, 'the database began as the server\'s empty one');
  await field(page, 'new.client_name', 'Claire Dubois');
  await click(page, 'new.add');
  await waitFor(page, x => x.leads.length === 1, 'the new lead');
  await click(page, 'row.0.client');
  const lead = (await waitFor(page, x => x.selected && x.card, 'the lead open')).selected;
  await click(page, 'lang.fr');
  await waitFor(page, x => x.lang === 'fr', 'French');
  await page.waitForFunction(id => location.hash === '#leads/' + id, lead);

  await page.reload();
  await page.waitForFunction(() => window.Module && Module._atelier_debug_state && window.atelierReady, null, { timeout: 30000 });
  let s = await waitFor(page, x => x.db_open && x.selected === lead && x.card, 'the same lead open after the reload');
  // The stored database was read by the shell while the module downloaded,
  // and is the one the app opened: the lead is there.
  assert.equal(s.persist.storage_read, 'early', 'the stored data read early');
  assert.equal(s.lang, 'fr');
  assert.equal(s.view, 'table');
  await screenshot(page, 'reload-kept');

  await click(page, 'view.settings');
  await waitFor(page, x => x.view === 'settings', 'settings');
  await page.waitForFunction(() => location.hash === '#settings');
  await page.goBack();
  s = await waitFor(page, x => x.view === 'table' && x.selected === lead, 'back: the lead again');
  await page.goForward();
  await waitFor(page, x => x.view === 'settings', 'forward: settings again');
  // A link to a view opens it.
  await page.evaluate(() => { location.hash = '#pipeline'; });
  await waitFor(page, x => x.view === 'board', 'the pipeline from the address bar');
});

test('the header says one connection state; the loading screen shows the studio\'s name the app last knew', async (t) => {
  const server = await startServer();
  const { context } = await launch({ viewport: { width: 1280, height: 800 } });
  t.after(async () => { await context.close().catch(() => {}); await server.stop(); });
  const page = context.pages()[0] || await context.newPage();
  await openApp(page, server.url);
  // One connection state in the header: this browser's own copy, then the server's.
  await waitFor(page, x => x.connection === 'Локальная копия: не подключена к серверу студии', 'the local copy said plainly');
  const s = await connectApp(page, ownerEmail(server.db));
  await waitFor(page, x => /^В сети · всё синхронизировано · /.test(x.connection), 'online and synced');
  await context.setOffline(true);
  await waitFor(page, x => x.connection.startsWith('Нет сети · '), 'offline, said once');
  await context.setOffline(false);
  await waitFor(page, x => x.studio_name === 'Студия «Атлас»', 'the studio\'s details from the server', 30000);
  await page.reload();
  // Read before the app is up: the shell's own page.
  const title = await page.evaluate(() => document.querySelector('#overlay .title').textContent);
  assert.equal(title, 'Студия «Атлас»');
  await page.waitForFunction(() => window.atelierReady, null, { timeout: 30000 });
  assert.ok(s.sync.connected);
});
