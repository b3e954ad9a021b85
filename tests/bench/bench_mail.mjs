// Mail from the server to a local SMTP server (aiosmtpd, tests/lib/smtp_server.py):
//   1. the time from a site-form POST to the brief e-mail in the mailbox (median of N);
//   2. messages delivered per second: M leads posted at once, until the last e-mail arrives.
//
//   node tests/bench/bench_mail.mjs [N=21] [M=500]
import { startServer } from '../lib/server.mjs';
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
await smtp.stop();
