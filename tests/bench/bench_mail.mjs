// Mail from the server to a local SMTP server (aiosmtpd, tests/lib/smtp_server.py):
//   1. the time from a site-form POST to the brief e-mail in the mailbox (median of N);
//   2. messages delivered per second while posting: M leads posted 50 at a time, until the last e-mail arrives;
//   3. the send rate alone: M e-mails queued by a server without a mail server, then that
//      database served with one: the time until all M are delivered (the catch-up).
//
//   node tests/bench/bench_mail.mjs [N=21] [M=500]
import { startServer } from '../lib/server.mjs';
import { sql } from '../lib/sql.mjs';
import { startSmtp, mailbox } from '../lib/mail.mjs';
import { readdirSync } from 'node:fs';

const N = Number(process.argv[2] || 21), M = Number(process.argv[3] || 500);
const smtp = await startSmtp();
const server = await startServer({ args: ['--smtp-url', smtp.url, '--mail-from', 'studio@atlas.test', '--intake-per-minute', '100000', '--quiet', '--no-demo'] });
const count = () => readdirSync(smtp.dir).filter(f => f.endsWith('.eml')).length;
const post = (i) => fetch(server.url + '/api/leads', { method: 'POST', body: new URLSearchParams({ name: `Client ${i}`, email: `c${i}@example.org` }) });

const latencies = [];
for (let i = 0; i < N; i++) {
  const before = count();
  const t0 = performance.now();
  const r = await post(i);
  if (r.status !== 201) throw new Error('intake: ' + r.status);
  while (count() === before) await new Promise(res => setTimeout(res, 1));
  latencies.push(performance.now() - t0);
}
latencies.sort((a, b) => a - b);
console.log(`intake POST → brief e-mail in the mailbox: median ${latencies[N >> 1].toFixed(1)} ms, max ${latencies[N - 1].toFixed(1)} ms (${N} leads)`);

const start = count();
const t0 = performance.now();
for (let i = 0; i < M; i += 50) await Promise.all(Array.from({ length: Math.min(50, M - i) }, (_, k) => post(1000 + i + k)));
const posted = performance.now() - t0;
while (count() < start + M) await new Promise(res => setTimeout(res, 5));
const total = performance.now() - t0;
console.log(`${M} leads posted in ${(posted / 1000).toFixed(2)} s; all ${M} e-mails delivered after ${(total / 1000).toFixed(2)} s: ${(M / (total / 1000)).toFixed(0)} messages/s`);
if (mailbox(smtp.dir).length !== start + M) throw new Error('a message is missing or doubled');
await server.stop();

const queued = await startServer({ args: ['--intake-per-minute', '100000', '--quiet', '--no-demo'] });
for (let i = 0; i < M; i += 50) await Promise.all(Array.from({ length: Math.min(50, M - i) }, (_, k) =>
  fetch(queued.url + '/api/leads', { method: 'POST', body: new URLSearchParams({ name: `Queued ${i + k}`, email: `q${i + k}@example.org` }) })));
while (sql(queued.db, "SELECT count(*) FROM outbox WHERE status = 'queued'") !== String(M)) await new Promise(res => setTimeout(res, 20));
await queued.stop();
const before = count();
const t1 = performance.now();
const sender = await startServer({ dbPath: queued.db, args: ['--smtp-url', smtp.url, '--mail-from', 'studio@atlas.test', '--quiet'] });
while (count() < before + M) await new Promise(res => setTimeout(res, 5));
const catchup = performance.now() - t1;
console.log(`${M} queued e-mails sent by a server started on them: ${(catchup / 1000).toFixed(2)} s (start included): ${(M / (catchup / 1000)).toFixed(0)} messages/s`);
await sender.stop();
await smtp.stop();
