// The reports through the JSON API of a new server, on the demo studio's
// year: every report has something to show, the API's figures are the SQL
// table-valued functions' figures, a figure drills down to its leads, and
// bad arguments are a 400 naming them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { sql } from '../lib/sql.mjs';

let server;
before(async () => { server = await startServer({ demoYear: true }); });
after(async () => { await server.stop(); });

const today = new Date().toISOString().slice(0, 10);
const yearAgo = new Date(Date.now() - 366 * 86400e3).toISOString().slice(0, 10);
const get = async (path) => {
  const r = await server.api(path);
  return { status: r.status, body: await r.json() };
};
// The SQL function's rows as objects, through the sqlite3 shell and atelier.so.
const viaSql = (query) => JSON.parse(sql(server.db, `SELECT json_group_array(json_object(${query.cols.map(c => `'${c}', "${c}"`).join(', ')})) FROM (${query.sql})`));

test('every report has something to show on a new server', async () => {
  const p = `from=${yearAgo}&to=${today}`;
  const funnel = (await get(`/api/reports/funnel?${p}`)).body;
  assert.deepEqual(funnel.columns, ['grp', 'stage', 'entered', 'advanced', 'lost', 'conversion_next', 'conversion_won', 'median_days']);
  assert.equal(funnel.rows.length, 8);
  assert.ok(funnel.rows.every(r => r.entered > 0), 'every stage reached');
  const lost = (await get(`/api/reports/lost_reasons?${p}`)).body.rows;
  assert.ok(new Set(lost.map(r => r.reason)).size >= 4);
  const win = (await get(`/api/reports/win_rate?${p}&group_by=owner`)).body.rows;
  assert.ok(win.filter(r => r.won > 0).length >= 2, 'both managers have won deals');
  const sources = (await get(`/api/reports/win_rate?${p}&group_by=source`)).body.rows;
  assert.ok(new Set(sources.map(r => r.grp)).size >= 5);
  const revenue = (await get(`/api/reports/revenue?${p}`)).body.rows;
  assert.ok(revenue.some(r => r.currency === 'RUB' && r.paid_minor > 0) && revenue.some(r => r.currency === 'EUR' && r.paid_minor > 0));
  const receivables = (await get(`/api/reports/receivables?at=${today}`)).body.rows;
  assert.ok(receivables.some(r => r.bucket !== 'not_due' && r.amount_minor > 0), 'some overdue');
  const proposals = (await get(`/api/reports/proposals?${p}`)).body.rows;
  assert.ok(proposals[0].opened > 0 && proposals[0].accepted > 0 && proposals[0].median_hours_to_open > 0);
  const forecast = (await get(`/api/reports/forecast?from_month=${today.slice(0, 7)}&months=6`)).body.rows;
  assert.ok(forecast.some(r => r.weighted_minor > 0));
  const time = (await get(`/api/reports/time?${p}`)).body.rows;
  const total = time.find(r => r.step === 'total');
  assert.ok(total.minutes_per_request > 0 && total.minutes_per_request < 30, `${total.minutes_per_request} minutes per request`);
  assert.equal(total.baseline_minutes, 110);
});

test('the API\'s figures are the SQL functions\' figures, and a bar drills down to its leads', async () => {
  const p = `from=${yearAgo}&to=${today}&group_by=source`;
  const api = (await get(`/api/reports/funnel?${p}`)).body.rows;
  const cols = ['grp', 'stage', 'entered', 'advanced', 'lost', 'conversion_next', 'conversion_won', 'median_days'];
  const rows = viaSql({ cols, sql: `SELECT * FROM atelier_funnel('${yearAgo}', '${today}', 'source')` });
  assert.deepEqual(api, rows);
  // The website's requests that reached a proposal: the bar's leads, each of them.
  const bar = api.find(r => r.grp === 'website' && r.stage === 'proposal_sent');
  const { body } = await get(`/api/reports/funnel/leads?${p}&grp=website&key=proposal_sent`);
  assert.equal(body.leads.length, bar.entered);
  const check = sql(server.db, `SELECT count(*) FROM leads WHERE source = 'website' AND id IN (${body.leads.map(id => `'${id}'`).join(',')})`);
  assert.equal(Number(check), bar.entered);
  const reached = sql(server.db, `SELECT count(*) FROM stage_events WHERE to_stage = 'proposal_sent' AND lead_id IN (${body.leads.map(id => `'${id}'`).join(',')})`);
  assert.equal(Number(reached), bar.entered, 'every one of them reached the proposal');
  // One source only, grouped by owner: the API, the SQL function and a count of the leads agree.
  const only = `from=${yearAgo}&to=${today}&group_by=owner&only=source:website`;
  const web = (await get(`/api/reports/win_rate?${only}`)).body.rows;
  const wcols = ['grp', 'leads', 'won', 'lost', 'win_rate', 'avg_won_minor', 'currency', 'median_days_to_won'];
  assert.deepEqual(web, viaSql({ cols: wcols, sql: `SELECT * FROM atelier_win_rate('${yearAgo}', '${today}', 'owner', 'source:website')` }));
  const counted = sql(server.db, `SELECT count(*) FROM leads WHERE source = 'website' AND created_at >= '${yearAgo}' AND created_at < date('${today}', '+1 day')`);
  assert.equal(web.reduce((n, r) => n + r.leads, 0), Number(counted));
  const webBar = (await get(`/api/reports/funnel/leads?${only}&grp=&key=new`)).body.leads;
  assert.equal(webBar.length, Number(counted));
});

test('bad arguments: a 400 naming them; unknown report 404; no report without logging in', async () => {
  let r = await get(`/api/reports/funnel?from=${today}&to=${yearAgo}`);
  assert.equal(r.status, 400);
  assert.match(r.body.error, /to: .* is before from/);
  r = await get('/api/reports/funnel?to=2026-01-01');
  assert.equal(r.status, 400);
  assert.match(r.body.error, /from: required/);
  r = await get(`/api/reports/win_rate?from=${yearAgo}&to=${today}&group_by=colour`);
  assert.match(r.body.error, /group_by: expected source, owner, month/);
  r = await get(`/api/reports/funnel?from=${yearAgo}&to=${today}&only=colour:red`);
  assert.equal(r.status, 400);
  assert.match(r.body.error, /only: expected owner:NAME or source:NAME, got "colour:red"/);
  r = await get('/api/reports/forecast?from_month=2026-13&months=3');
  assert.equal(r.status, 400);
  r = await get('/api/reports/weather?from=2026-01-01&to=2026-02-01');
  assert.equal(r.status, 404);
  const anon = await fetch(`${server.url}/api/reports/funnel?from=${yearAgo}&to=${today}`);
  assert.equal(anon.status, 401);
});
