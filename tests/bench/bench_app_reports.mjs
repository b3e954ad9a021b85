// The reports in the manager app (headless Chromium), over the studio of
// reports_studio.sql (100,000 requests) added to the demo studio of a local
// copy: each query of reports_queries.txt timed inside the app's
// WebAssembly (median of 7), then the Reports view opened on that studio
// (every table it shows, computed as it opens: median of 5).
//   node tests/bench/bench_app_reports.mjs [requests]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, startStaticApp } from '../lib/server.mjs';
import { launch, openApp, click, waitFor } from '../lib/browser.mjs';

const n = Number(process.argv[2] || 100000);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const studio = readFileSync(join(root, 'tests', 'bench', 'reports_studio.sql'), 'utf8').replaceAll('@N@', String(n));
const queries = readFileSync(join(root, 'tests', 'bench', 'reports_queries.txt'), 'utf8').trim().split('\n').map(l => l.split('|'));

const files = await startStaticApp();
const { context } = await launch({ viewport: { width: 1440, height: 1000 } });
try {
  const page = context.pages()[0] || await context.newPage();
  await openApp(page, files.url, { choose: false });
  await click(page, 'local.empty');
  await waitFor(page, x => x.first_run === 'done', 'an empty local studio', 60000);
  const t0 = Date.now();
  const err = await page.evaluate((sql) => Module.ccall('atelier_bench_exec', 'string', ['string'], [sql]), studio);
  if (err) throw new Error('the studio: ' + err);
  console.log(`${n} requests made in the app in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log('| report | median in the app, ms |\n| --- | --- |');
  for (const [name, sql] of queries) {
    const runs = [];
    for (let i = 0; i < 7; i++) runs.push(await page.evaluate((q) => Module._atelier_bench_query_ms ? Module.ccall('atelier_bench_query_ms', 'number', ['string'], [q]) : -1, sql));
    if (runs.some(r => r < 0)) throw new Error(`${name}: the query failed`);
    console.log(`| ${name} | ${median(runs).toFixed(1)} |`);
  }
  // The Reports view: every table it shows computed for 12 months, as
  // when it opens (the period switched to a quarter and back, each time).
  await click(page, 'view.reports');
  await waitFor(page, x => x.view === 'reports' && x.reports?.data?.funnel, 'the reports', 120000);
  const opens = [];
  for (let i = 0; i < 5; i++) {
    const days = (x) => (Date.parse(x.reports.to) - Date.parse(x.reports.from)) / 86400000;
    await click(page, 'reports.period.1');
    await waitFor(page, x => x.reports.data?.funnel && days(x) < 100, 'the quarter computed', 60000);
    await click(page, 'reports.period.2');
    const s = await waitFor(page, x => x.reports.data?.funnel && days(x) > 300, '12 months computed', 60000);
    opens.push(s.reports.compute_ms);
    if (s.reports.data.funnel.rows[0].entered < n * 0.3) throw new Error('the reports do not count the studio\'s requests');
  }
  console.log(`the Reports view, 12 months, every table it shows: median ${median(opens).toFixed(1)} ms (runs: ${opens.map(x => x.toFixed(0)).join(' ')})`);
} finally {
  await context.close();
  files.stop();
}
