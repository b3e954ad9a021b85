// Every page a client opens, side by side with the server's static file:
//   node tests/bench/bench_client_pages.mjs [SECONDS=6]
// A new database (the demo studio) through the SQL extension: a brief sent
// and not yet answered, a draft proposal, and a lead taken to a signed
// contract with its first stage done (an accepted proposal, the contract,
// the issued invoice, the stage's act, the project's page). wrk (2 threads,
// 16 connections) against /icon.svg and each page in turn, three rounds:
// medians of requests/s and p99, the ratio to the static file's rate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, root } from '../lib/server.mjs';
import { sideBySide } from './wrk.mjs';

const seconds = Number(process.argv[2] || 6);
const db = join(mkdtempSync(join(tmpdir(), 'atelier-bench-')), 'pages.db');
const ext = join(root, 'build', 'native', 'atelier');
const sql = (q) => execFileSync('sqlite3', ['-batch', '-cmd', '.timeout 5000', '-cmd', `.load ${ext}`, db, q], { encoding: 'utf8' }).trim();
const actor = `'{"id":"u-bench","name":"Bench"}'`;
const brief = `'{"company":"Кофейня","activity":"Кофе","goals":["leads"],"pages":3,"languages":1,"design_level":"template","urgency":"normal"}'`;

execFileSync(join(root, 'build', 'native', 'atelier'), ['migrate', '--db', db]);
sql(`SELECT atelier_seed_demo(); SELECT atelier_install_defaults('2026-11-20T00:00:00Z');`);
const lead = (name) => sql(`SELECT atelier_lead_create('{"client_name":"${name}","email":"c@example.com","lang":"ru","currency":"RUB"}', 'bench')`);
// A brief sent: the empty form, as the client first opens it.
const asked = lead('Бриф');
const briefId = sql(`SELECT atelier_brief_save('${asked}', 'landing', '{}', 0, 'bench')`);
// A draft proposal, rendered live.
const draftLead = lead('Черновик');
sql(`SELECT atelier_brief_save('${draftLead}', 'landing', ${brief}, 1, 'bench')`);
const draft = sql(`SELECT atelier_proposal_create(atelier_estimate_lead('${draftLead}', '{"start_date":"2026-12-01"}', 'bench'), 'bench')`);
// A signed contract, its first stage done.
const won = lead('Подписано');
sql(`SELECT atelier_brief_save('${won}', 'landing', ${brief}, 1, 'bench')`);
const accepted = sql(`SELECT atelier_proposal_create(atelier_estimate_lead('${won}', '{"start_date":"2026-12-01"}', 'bench'), 'bench')`);
sql(`SELECT atelier_proposal_accept('${accepted}', '{"channel":"phone","name":"Клиент"}', ${actor})`);
const contract = sql(`SELECT id FROM contracts WHERE lead_id = '${won}'`);
sql(`SELECT atelier_contract_accept('${contract}', '{"channel":"paper","name":"Клиент"}', ${actor})`);
const first = sql(`SELECT stage FROM project_stages s JOIN projects p ON p.id = s.project_id WHERE p.lead_id = '${won}' ORDER BY position LIMIT 1`);
sql(`SELECT atelier_stage_complete('${won}', '${first}', ${actor})`);
const invoice = sql(`SELECT id FROM invoices WHERE lead_id = '${won}' AND status = 'issued' ORDER BY position LIMIT 1`);
const act = sql(`SELECT id FROM acts WHERE contract_id = '${contract}' LIMIT 1`);
const project = sql(`SELECT id FROM projects WHERE lead_id = '${won}'`);
const link = (kind, id) => sql(`SELECT atelier_link_create('${kind}', '${id}')`);
const pages = {
  'brief form (empty, sent)': link('brief', briefId),
  'proposal, draft (live)': link('proposal', draft),
  'proposal, accepted (snapshot)': link('proposal', accepted),
  'contract, signed': link('contract', contract),
  'invoice, issued (with its QR)': link('invoice', invoice),
  'act of the first stage': link('act', act),
  'project page': link('project', project),
};

const server = await startServer({ dbPath: db, args: ['--quiet'] });
try {
  for (const t of Object.values(pages)) if ((await fetch(`${server.url}/c/${t}`)).status !== 200) throw new Error(`/c/${t}: not 200`);
  const args = {};
  for (const [name, t] of Object.entries(pages)) args[name] = [`${server.url}/c/${t}`];
  sideBySide(seconds, 3, `${server.url}/icon.svg`, args);
} finally {
  await server.stop();
}
