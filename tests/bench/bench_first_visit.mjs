// A newcomer's first visit and the reload after it, in headless Chromium on
// loopback: each load in a new browser profile (nothing cached, no service
// worker, no stored database), against `atelier serve`, then the same page
// reloaded once the first visit has settled (its service worker installed).
// Prints the medians of the first frame and of the first screen (the first
// frame with the database open), in ms from navigation.
//
//   node tests/bench/bench_first_visit.mjs [RUNS=9] [WWW ...]
//
// With several served folders (copies of build/www from two builds), the
// loads alternate between them, the order turned each run, so that the
// machine's drift weighs on each alike.
import { join } from 'node:path';
import { startServer, root } from '../lib/server.mjs';
import { launch, waitFor } from '../lib/browser.mjs';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const rest = (ms) => new Promise(r => setTimeout(r, ms));
const runs = Number(process.argv[2] || 9);
const dirs = process.argv.length > 3 ? process.argv.slice(3) : [join(root, 'build', 'www')];
const servers = [];
for (const d of dirs) servers.push(await startServer({ args: ['--quiet', '--www', d] }));
const results = dirs.map(() => ({ frame: [], screen: [], reloadFrame: [], reloadScreen: [] }));

const firstScreen = async (page) => {
  await page.waitForFunction(() => window.Module && Module._atelier_debug_state && window.atelierReady, null, { timeout: 30000 });
  return waitFor(page, st => st.first_frame_ms > 0 && st.first_screen_ms > 0, 'the first screen', 30000);
};

try {
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < dirs.length; j++) {
      const k = (i + j) % dirs.length;
      const { context } = await launch();
      try {
        const page = context.pages()[0] || await context.newPage();
        await rest(800);  // the browser's own start out of the way
        await page.goto(servers[k].url + '/');
        let st = await firstScreen(page);
        results[k].frame.push(st.first_frame_ms);
        results[k].screen.push(st.first_screen_ms);
        await rest(4000);  // the service worker installed, the database saved
        await page.goto('about:blank');
        await rest(800);
        await page.goto(servers[k].url + '/');
        st = await firstScreen(page);
        results[k].reloadFrame.push(st.first_frame_ms);
        results[k].reloadScreen.push(st.first_screen_ms);
      } finally {
        await context.close();
      }
    }
  }
} finally {
  for (const s of servers) await s.stop();
}
const list = (xs) => xs.map(x => x.toFixed(0)).join(' ');
for (let k = 0; k < dirs.length; k++) {
  const r = results[k];
  console.log(`${dirs[k]}:`);
  console.log(`  first visit: first frame ${median(r.frame).toFixed(0)} ms (${list(r.frame)}), first screen ${median(r.screen).toFixed(0)} ms (${list(r.screen)})`);
  console.log(`  the reload after it: first frame ${median(r.reloadFrame).toFixed(0)} ms (${list(r.reloadFrame)}), first screen ${median(r.reloadScreen).toFixed(0)} ms (${list(r.reloadScreen)})`);
}
