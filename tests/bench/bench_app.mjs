// Benchmark of the manager app in headless Chromium on loopback:
//   node tests/bench/bench_app.mjs
// transferred size (raw and gzip), time from navigation to the first drawn
// frame and to the first screen (the first frame with the database open;
// median of 7 loads, the app's service worker serving its files),
// then the app and a bare module (Dear ImGui, GLFW, SQLite and the fonts,
// no application code: tests/bench/bare, from a second server) loaded in
// turn with no cache and no service worker (11 times each, each load from a
// blank page after a second's rest), and the app's
// first frame as a ratio to the bare module's; frame time of the leads table with 100,000 leads (median
// while scrolling), wide and in the phone layout (390 x 844 at DPR 3), and
// CPU time per second while idle.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, root } from '../lib/server.mjs';
import { launch, openApp, state, waitFor } from '../lib/browser.mjs';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const www = join(root, 'build', 'www');
// What travels: gzip, or Zstandard where the build wrote a frame (the
// server sends the smaller to a browser that takes it; the others go gzip).
let raw = 0, gz = 0, zst = 0;
console.log('file                 raw bytes   gzip -9  zstd or gzip');
for (const f of ['index.html', 'shell.css', 'shell.js', 'app.js', 'app.wasm', 'app.data']) {
  const b = readFileSync(join(www, f));
  const g = gzipSync(b, { level: 9 }).length;
  const z = existsSync(join(www, f + '.zst')) ? Math.min(g, statSync(join(www, f + '.zst')).size) : g;
  raw += b.length; gz += g; zst += z;
  console.log(`${f.padEnd(18)} ${String(b.length).padStart(11)} ${String(g).padStart(9)} ${String(z).padStart(13)}`);
}
console.log(`${'total'.padEnd(18)} ${String(raw).padStart(11)} ${String(gz).padStart(9)} ${String(zst).padStart(13)}  (${(gz / 1e6).toFixed(3)} MB gzip, ${(zst / 1e6).toFixed(3)} MB with zstd)`);

// The bare module, built with the app's flags.
// (Emscripten's optimiser needs Debian's acorn, as scripts/build.sh sets it.)
execFileSync('cmake', ['--build', join(root, 'build', 'wasm'), '--target', 'bare_app'],
  { stdio: 'inherit', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
const server = await startServer({ args: ['--quiet'] });
const bare = await startServer({ args: ['--quiet', '--www', join(root, 'build', 'wasm', 'bare')] });
const { context } = await launch();
try {
  const page = context.pages()[0] || await context.newPage();
  // The app as a manager reloads it: its service worker serves its files.
  const loadApp = async () => {
    await page.goto(server.url + '/');
    // The app's exports are called only once its runtime is up.
    await page.waitForFunction(() => window.Module && Module._atelier_debug_state && window.atelierReady, null, { timeout: 30000 });
    const st = await waitFor(page, st => st.first_frame_ms > 0 && st.first_screen_ms > 0, 'the first screen', 30000);
    screens.push(st.first_screen_ms);
    return st.first_frame_ms;
  };
  // The app's first frame (its loading screen, or its screens when the
  // database is already open), and its first screen (the first frame drawn
  // with the database open: what the manager waits for).
  let screens = [];
  const firsts = [];
  for (let i = 0; i < 7; i++) firsts.push(await loadApp());
  console.log(`first frame after navigation: median ${median(firsts).toFixed(0)} ms (runs: ${firsts.map(x => x.toFixed(0)).join(' ')})`);
  console.log(`first screen after navigation: median ${median(screens).toFixed(0)} ms (runs: ${screens.map(x => x.toFixed(0)).join(' ')})`);
  screens = [];
  // The app and the bare module in turn, on equal terms: every file fetched
  // from the server (no HTTP cache, no service worker).
  const net = await context.newCDPSession(page);
  await net.send('Network.enable');
  await net.send('Network.setCacheDisabled', { cacheDisabled: true });
  await net.send('Network.setBypassServiceWorker', { bypass: true });
  // Each load starts from a blank page after a second's rest, so that what
  // the page before left running (its module's optimising compile, its
  // storage) does not weigh on the next one.
  const settle = async () => { await page.goto('about:blank'); await new Promise(r => setTimeout(r, 1000)); };
  // When the module's last byte was in (Resource Timing), and how it came.
  const moduleIn = (name) => page.evaluate(n => {
    const e = performance.getEntriesByType('resource').find(r => r.name.endsWith('/' + n));
    return e ? e.responseEnd : NaN;
  }, name);
  let coding = '';
  page.on('response', async r => { if (r.url().endsWith('/app.wasm')) coding = (await r.allHeaders())['content-encoding'] || 'none'; });
  const apps = [], bares = [], appIn = [], bareIn = [];
  for (let i = 0; i < 11; i++) {
    await settle();
    apps.push(await loadApp());
    appIn.push(await moduleIn('app.wasm'));
    await settle();
    await page.goto(bare.url + '/');
    bares.push(await (await page.waitForFunction(() => window.bareFirstFrame, null, { timeout: 30000 })).jsonValue());
    bareIn.push(await moduleIn('bare_app.wasm'));
  }
  await net.send('Network.setCacheDisabled', { cacheDisabled: false });
  await net.send('Network.setBypassServiceWorker', { bypass: false });
  console.log(`uncached, the app's first frame: median ${median(apps).toFixed(0)} ms (runs: ${apps.map(x => x.toFixed(0)).join(' ')})`);
  console.log(`uncached, the bare module's first frame: median ${median(bares).toFixed(0)} ms (runs: ${bares.map(x => x.toFixed(0)).join(' ')})`);
  console.log(`uncached, the app's first screen: median ${median(screens).toFixed(0)} ms (runs: ${screens.map(x => x.toFixed(0)).join(' ')})`);
  console.log(`uncached, the module's last byte in (${coding}): app.wasm at ${median(appIn).toFixed(0)} ms, bare_app.wasm at ${median(bareIn).toFixed(0)} ms`);
  console.log(`the app's first frame / the bare module's: ${(median(apps) / median(bares)).toFixed(2)}x`);

  await openApp(page, server.url);
  await page.evaluate(() => Module._atelier_bench_fill(100000));
  await waitFor(page, st => st.view_count >= 100000, 'the 100,000 leads', 60000);
  // Frame times (the app's CPU time per frame) while the wheel scrolls the list.
  const scrolling = async (p) => {
    const frames = [];
    await p.mouse.move(200, 400);
    for (let i = 0; i < 60; i++) {
      const before = (await state(p)).frames_drawn;
      await p.mouse.wheel(0, i % 20 < 10 ? 400 : -400);
      const s = await waitFor(p, st => st.frames_drawn > before, 'a frame');
      frames.push(s.last_frame_ms);
    }
    return `median frame ${median(frames).toFixed(2)} ms (p90 ${[...frames].sort((a, b) => a - b)[Math.floor(frames.length * 0.9)].toFixed(2)} ms)`;
  };
  console.log(`leads table, 100,000 leads, scrolling: ${await scrolling(page)}`);
  // The phone layout: 390 x 844 CSS pixels at DPR 3, the same leads.
  {
    const phone = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 });
    try {
      const p = phone.context.pages()[0] || await phone.context.newPage();
      await openApp(p, server.url);
      await p.evaluate(() => Module._atelier_bench_fill(100000));
      await waitFor(p, st => st.view_count >= 100000, 'the 100,000 leads on the phone', 60000);
      console.log(`phone, 390x844 at DPR 3, leads list with 100,000 leads, scrolling: ${await scrolling(p)}`);
    } finally {
      await phone.context.close();
    }
  }

  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.waitForTimeout(1500);
  const metric = async () => (await cdp.send('Performance.getMetrics')).metrics.find(m => m.name === 'TaskDuration').value;
  const f0 = (await state(page)).frames_drawn;
  const t0 = await metric();
  await page.waitForTimeout(5000);
  const t1 = await metric();
  const f1 = (await state(page)).frames_drawn;
  console.log(`idle: ${(((t1 - t0) * 1000) / 5).toFixed(2)} ms of main-thread CPU per second, ${f1 - f0} frames drawn in 5 s`);
} finally {
  await context.close();
  await server.stop();
  await bare.stop();
}
