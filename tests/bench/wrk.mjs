// wrk from a Node benchmark: 2 threads, 16 keep-alive connections, with
// latency percentiles; requests/s and p99 in milliseconds. Non-2xx answers
// fail the run.
import { execFileSync } from 'node:child_process';

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

export function wrk(seconds, args) {
  const out = execFileSync('wrk', ['-t2', '-c16', `-d${seconds}s`, '--latency', ...args], { encoding: 'utf8' });
  if (/Non-2xx/.test(out)) throw new Error('non-2xx answers:\n' + out);
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]);
  const p99 = out.match(/^\s+99%\s+([\d.]+)(us|ms|s)$/m);
  const ms = Number(p99[1]) * (p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1);
  return { rps, ms };
}

// Runs of `pages` (name → wrk arguments) interleaved with the static file,
// `rounds` times; prints a line each and the ratio to the static rate.
export function sideBySide(seconds, rounds, staticUrl, pages) {
  const staticName = 'static file ' + new URL(staticUrl).pathname;
  const runs = { [staticName]: [] };
  for (const name of Object.keys(pages)) runs[name] = [];
  for (let i = 0; i < rounds; i++) {
    runs[staticName].push(wrk(seconds, [staticUrl]));
    for (const [name, args] of Object.entries(pages)) runs[name].push(wrk(seconds, args));
  }
  const base = median(runs[staticName].map(x => x.rps));
  for (const [name, r] of Object.entries(runs)) {
    const rps = median(r.map(x => x.rps));
    console.log(`${name.padEnd(40)} ${rps.toFixed(0).padStart(7)} req/s  ${(rps / base).toFixed(2)}x  p99 ${median(r.map(x => x.ms)).toFixed(2)} ms` +
      `  (runs: ${r.map(x => x.rps.toFixed(0)).join(' ')})`);
  }
}
