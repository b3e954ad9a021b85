// Benchmark of log-in against a real `atelier serve` on loopback:
//   node tests/bench/bench_login.mjs [THREADS]
// 1. the time of a failed log-in for an unknown e-mail and for a known one
//    (median of 15 each): equal times tell nothing about who has an account;
// 2. /healthz latency (median and p99 of 200 requests) alone, then while
//    THREADS clients (default 16) send wrong passwords in a loop, each from
//    its own address (the server trusts 127.0.0.1 as a proxy, so that the
//    per-address throttle does not stop them).
import { startServer } from '../lib/server.mjs';
import { sql } from '../lib/sql.mjs';

const threads = Number(process.argv[2] || 16);
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const ms = (x) => x.toFixed(1).padStart(8) + ' ms';

const server = await startServer({ args: ['--quiet', '--trusted-proxy', '127.0.0.1'] });
const owner = sql(server.db, "SELECT email FROM users WHERE role = 'owner' LIMIT 1");
const login = (email, addr) => fetch(server.url + '/api/login', { method: 'POST',
  headers: { 'content-type': 'application/json', 'x-forwarded-for': addr },
  body: JSON.stringify({ email, password: 'wrong-password' }) });

async function healthz(n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await (await fetch(server.url + '/healthz')).text();
    times.push(performance.now() - t);
  }
  return times;
}

try {
  await healthz(20);  // warm-up
  const unknown = [], known = [];
  for (let i = 0; i < 15; i++) {
    for (const [email, list] of [[`ghost${i}@example.com`, unknown], [owner, known]]) {
      const t = performance.now();
      const r = await login(email, `10.1.${i}.${list === known ? 1 : 2}`);
      await r.text();
      list.push(performance.now() - t);
    }
  }
  console.log(`failed log-in, unknown e-mail:       median ${ms(pct(unknown, 0.5))}`);
  console.log(`failed log-in, known e-mail:         median ${ms(pct(known, 0.5))}`);
  const idle = await healthz(200);
  let running = true, attempts = 0;
  const loops = Array.from({ length: threads }, async (_, i) => {
    for (let k = 0; running; k++) {
      await (await login(`nobody${i}.${k}@example.com`, `10.0.${i}.${k % 250}`)).text();
      attempts++;
    }
  });
  await new Promise(r => setTimeout(r, 500));
  const busy = await healthz(200);
  running = false;
  await Promise.all(loops);
  console.log(`/healthz alone:                      median ${ms(pct(idle, 0.5))}  p99 ${ms(pct(idle, 0.99))}`);
  console.log(`/healthz with ${String(threads).padStart(2)} clients logging in: median ${ms(pct(busy, 0.5))}  p99 ${ms(pct(busy, 0.99))}  (${attempts} log-ins meanwhile)`);

} finally {
  await server.stop();
}
