// A real SMTP server for tests (tests/lib/smtp_server.py on aiosmtpd) and a
// reader for what it received: headers decoded (RFC 2047), parts decoded
// (base64), as a mail client shows them.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, freePort } from './server.mjs';

export async function startSmtp({ port, dir, delayMs = 0 } = {}) {
  port = port || await freePort();
  dir = dir || mkdtempSync(join(tmpdir(), 'atelier-mail-'));
  const proc = spawn('/usr/bin/python3', [join(root, 'tests', 'lib', 'smtp_server.py'), String(port), dir, String(delayMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    proc.stdout.once('data', resolve);
    proc.once('exit', code => reject(new Error(`smtp server exited with ${code}`)));
  });
  return {
    port, dir, url: `smtp://127.0.0.1:${port}`,
    stop: () => new Promise(resolve => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', resolve);
      proc.kill('SIGTERM');
    }),
  };
}

function decodeWords(value) {
  // Whitespace between two encoded words is not text (RFC 2047); elsewhere it is.
  return value.replace(/\r?\n[ \t]/g, ' ').replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8')).trim();
}

function parseHeaders(text) {
  const headers = {};
  for (const line of text.replace(/\r\n[ \t]/g, ' ').split(/\r\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  return headers;
}

// One received message: {headers, text, html, raw}.
export function parseMail(raw) {
  const split = raw.indexOf('\r\n\r\n');
  const headers = parseHeaders(raw.slice(0, split));
  const body = raw.slice(split + 4);
  const decode = part => {
    const s = part.indexOf('\r\n\r\n');
    const h = parseHeaders(part.slice(0, s));
    const b = part.slice(s + 4);
    return { type: (h['content-type'] || '').split(';')[0], text: /base64/i.test(h['content-transfer-encoding'] || '')
      ? Buffer.from(b.replace(/\s+/g, ''), 'base64').toString('utf8') : b };
  };
  let text = '', html = '';
  const m = /boundary="([^"]+)"/.exec(headers['content-type'] || '');
  if (m) {
    for (const part of body.split('--' + m[1]).slice(1, -1)) {
      const p = decode(part.replace(/^\r\n/, ''));
      if (p.type === 'text/plain') text = p.text;
      if (p.type === 'text/html') html = p.text;
    }
  } else {
    text = decode(raw).text;
  }
  return { headers, text: text.replace(/\r\n/g, '\n'), html, raw };
}

// Everything the server has received so far, oldest first.
export function mailbox(dir) {
  return readdirSync(dir).filter(f => f.endsWith('.eml')).sort()
    .map(f => parseMail(readFileSync(join(dir, f), 'latin1')));
}

export async function waitForMail(dir, count, ms = 10000) {
  const until = Date.now() + ms;
  for (;;) {
    const all = mailbox(dir);
    if (all.length >= count) return all;
    if (Date.now() > until) throw new Error(`after ${ms} ms the mailbox holds ${all.length} of ${count} messages`);
    await new Promise(r => setTimeout(r, 50));
  }
}
