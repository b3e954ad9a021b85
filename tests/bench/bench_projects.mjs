// Benchmark of a studio with 2,000 projects:
//   node tests/bench/bench_projects.mjs [SECONDS=6]
// A database made through the SQL extension: the demo studio, then 2,000
// leads taken to a signed contract (each contract opens its project with
// the studio's process). Then, on loopback, wrk (2 threads, 16 connections)
// against the server's static file /icon.svg and the client's project page
// (one page, and 200 pages in turn), interleaved, three runs each: medians
// of requests/s and p99, the page's rate as a ratio to the static one. Then
// the app in headless Chromium with the same 2,000 projects: the Projects
// view's frame time (the app's CPU time per frame) while the list scrolls
// and with a project's timeline open.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, root } from '../lib/server.mjs';
import { launch, openApp, state, waitFor, click } from '../lib/browser.mjs';
import { median, sideBySide } from './wrk.mjs';

const seconds = Number(process.argv[2] || 6);
const N = 2000;
const work = mkdtempSync(join(tmpdir(), 'atelier-bench-'));
const db = join(work, 'projects.db');
const bin = join(root, 'build', 'native', 'atelier');
const ext = join(root, 'build', 'native', 'atelier');
const sql = (q) => execFileSync('sqlite3', ['-batch', '-cmd', '.timeout 5000', '-cmd', `.load ${ext}`, db, q], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim();

let t0 = Date.now();
execFileSync(bin, ['migrate', '--db', db]);
sql(`SELECT atelier_seed_demo(); SELECT atelier_install_defaults('2026-11-20T00:00:00Z');`);
const actor = `'{"id":"u-bench","name":"Bench"}'`;
// Plain SELECTs: the conveyor's functions write, and SQLite lets them only there.
const leads = sql(`WITH RECURSIVE k(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM k WHERE v < ${N})
  SELECT atelier_lead_create(json_object('client_name', 'Клиент ' || v, 'email', 'c' || v || '@example.com', 'lang', 'ru', 'currency', 'RUB'), 'bench') FROM k`).split('\n');
const values = (ids) => `(VALUES ${ids.map(id => `('${id}')`).join(',')})`;
sql(`SELECT count(atelier_brief_save(column1, 'landing', '{"company":"Компания","activity":"Кофейня","goals":["leads"],"pages":3,"languages":1,"design_level":"template","urgency":"normal"}', 1, 'bench')) FROM ${values(leads)}`);
const proposals = sql(`SELECT atelier_proposal_create(atelier_estimate_lead(column1, '{"start_date":"2026-12-01"}', 'bench'), 'bench') FROM ${values(leads)}`).split('\n');
sql(`SELECT count(atelier_proposal_accept(column1, '{"channel":"phone","name":"Клиент"}', ${actor})) FROM ${values(proposals)}`);
const contracts = sql(`SELECT id FROM contracts WHERE proposal_id IN (SELECT column1 FROM ${values(proposals)})`).split('\n');
sql(`SELECT count(atelier_contract_accept(column1, '{"channel":"paper","name":"Клиент"}', ${actor})) FROM ${values(contracts)}`);
const projects = Number(sql('SELECT count(*) FROM projects'));
console.log(`${projects} projects, ${sql('SELECT count(*) FROM project_stages')} stages, ${sql('SELECT count(*) FROM material_requests')} material requests (made in ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
const tokens = sql(`SELECT atelier_link_create('project', id) FROM projects ORDER BY created_at DESC LIMIT 200`).split('\n');

const server = await startServer({ dbPath: db, args: ['--quiet'] });
try {
  const url = server.url;
  // Every page once, as a client would first open it (its documents' links are made then).
  for (const t of tokens) if ((await fetch(`${url}/c/${t}`)).status !== 200) throw new Error('project page: not 200');
  const lua = join(work, 'pages.lua');
  writeFileSync(lua, `local t = {${tokens.map(t => `"${t}"`).join(',')}}\nlocal i = 0\nrequest = function()\n  i = i % #t + 1\n  return wrk.format("GET", "/c/" .. t[i])\nend\n`);
  sideBySide(seconds, 3, `${url}/icon.svg`, { 'project page, one': [`${url}/c/${tokens[0]}`], 'project pages, 200 in turn': ['-s', lua, url] });

  // The app: the same count of projects in its own database, the Projects view.
  const { context } = await launch({ viewport: { width: 1440, height: 1000 } });
  try {
    const page = context.pages()[0] || await context.newPage();
    await openApp(page, url);
    t0 = Date.now();
    const err = await page.evaluate((n) => Module.ccall('atelier_bench_exec', 'string', ['string'], [`PRAGMA foreign_keys = OFF; BEGIN;
      INSERT INTO clients(id, studio_id, name, lang, created_at)
        WITH RECURSIVE k(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM k WHERE v < ${n})
        SELECT 'bench-c' || v, (SELECT id FROM studio LIMIT 1), 'Клиент ' || v, 'ru', '2026-01-01T00:00:00Z' FROM k;
      INSERT INTO leads(id, studio_id, client_id, source, stage, lang, amount_minor, currency, created_at, updated_at)
        SELECT 'bench-l' || substr(id, 8), studio_id, id, 'website', 'won', 'ru', 10000000, 'RUB', created_at, created_at FROM clients WHERE id LIKE 'bench-c%';
      INSERT INTO contracts(id, lead_id, proposal_id, status, number, created_at, updated_at)
        SELECT 'bench-k' || substr(id, 8), id, 'bench-o' || substr(id, 8), 'accepted', 'C-2026-' || substr(id, 8), created_at, created_at FROM leads WHERE id LIKE 'bench-l%';
      INSERT INTO projects(id, lead_id, contract_id, status, calendar, started_on, created_at, updated_at)
        SELECT 'bench-p' || substr(id, 8), id, 'bench-k' || substr(id, 8), CASE WHEN substr(id, 8) % 5 = 0 THEN 'done' ELSE 'active' END, 'ru',
               date('2026-01-01', '+' || (substr(id, 8) % 330) || ' days'), '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM leads WHERE id LIKE 'bench-l%';
      INSERT INTO project_stages(id, project_id, stage, position, name, days, owner_name, planned_start, planned_end, status, updated_at)
        SELECT p.id || '-' || s.code, p.id, s.code, s.pos, s.name, 5, 'Анна', date(p.started_on, '+' || (s.pos * 7 - 7) || ' days'),
               date(p.started_on, '+' || (s.pos * 7 - 3) || ' days'), CASE WHEN p.status = 'done' OR s.pos = 1 THEN 'done' WHEN s.pos = 2 THEN 'in_progress' ELSE 'planned' END,
               '2026-01-01T00:00:00Z'
        FROM projects p, (SELECT 1 AS pos, 'research' AS code, 'Исследование и прототип' AS name UNION ALL SELECT 2, 'design', 'Дизайн'
                          UNION ALL SELECT 3, 'development', 'Разработка' UNION ALL SELECT 4, 'launch', 'Тестирование и запуск') s
        WHERE p.id LIKE 'bench-p%';
      COMMIT; PRAGMA foreign_keys = ON;`]), N);
    if (err) throw new Error('filling the app: ' + err);
    console.log(`app: ${N} projects written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await click(page, 'view.projects');
    await waitFor(page, st => st.view === 'projects' && st.projects?.list?.length >= N, 'the projects listed', 60000);
    const frames = async (move) => {
      const out = [];
      for (let i = 0; i < 60; i++) {
        const before = (await state(page)).frames_drawn;
        await move(i);
        const s = await waitFor(page, st => st.frames_drawn > before, 'a frame');
        out.push(s.last_frame_ms);
      }
      return `median frame ${median(out).toFixed(2)} ms (p90 ${[...out].sort((a, b) => a - b)[Math.floor(out.length * 0.9)].toFixed(2)} ms)`;
    };
    const list = (await state(page)).anchors['projects.row.0'];
    await page.mouse.move(list.x + 40, list.y + 40);
    console.log(`Projects view, ${N} projects, the list scrolling: ${await frames((i) => page.mouse.wheel(0, i % 20 < 10 ? 300 : -300))}`);
    await click(page, 'projects.row.3');
    await waitFor(page, st => st.projects.view?.stages && st.anchors['projects.stage.0'], 'a project\'s timeline');
    const bar = (await state(page)).anchors['projects.stage.0'];
    console.log(`Projects view, ${N} projects, a timeline open, the pointer moving: ${await frames((i) => page.mouse.move(bar.x + (i % 10) * 4, bar.y + bar.h / 2))}`);
  } finally {
    await context.close();
  }
} finally {
  await server.stop();
}
