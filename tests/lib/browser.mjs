// Headless Debian Chromium driven by playwright-core, plus helpers to read
// the manager app's state back (atelier_debug_state) and to click its widgets.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { root, artifacts, OWNER_PASSWORD } from './server.mjs';

const require = createRequire(join(root, 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

// A persistent profile keeps IndexedDB between launches (a browser restart).
// `compositing`: Chromium composites its layers as a browser with a GPU does
// (ANGLE's software GPU); without it, the software compositor paints a frame
// over the WebGL canvas (the template's live preview) at the wrong place in
// screenshots.
export async function launch({ profile, deviceScaleFactor = 1, viewport = { width: 1280, height: 800 }, timezoneId, compositing = false } = {}) {
  const dir = profile || mkdtempSync(join(tmpdir(), 'atelier-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: compositing ? ARGS.filter(a => a !== '--disable-gpu') : ARGS, viewport, deviceScaleFactor,
    ...(timezoneId ? { timezoneId } : {}),
  });
  return { context, profile: dir };
}

export async function state(page) {
  return page.evaluate(() => JSON.parse(Module.UTF8ToString(Module._atelier_debug_state())));
}

// A state as a failure shows it: the smallest fields first, one level down
// too (a view's filter before its data), then the widgets' names.
function brief(st) {
  if (!st || typeof st !== 'object') return String(st);
  const small = (o, depth) => {
    if (!o || typeof o !== 'object' || Array.isArray(o) || depth === 0) return o;
    const out = {};
    for (const [k, v] of Object.entries(o).sort((a, b) => JSON.stringify(a[1] ?? null).length - JSON.stringify(b[1] ?? null).length))
      out[k] = small(v, depth - 1);
    return out;
  };
  const { anchors, ...rest } = st;
  return `${JSON.stringify(small(rest, 2)).slice(0, 3000)}; widgets: ${Object.keys(anchors || {}).join(' ').slice(0, 1500)}`;
}

// One widget's rectangle and the frame count, as a state holding only that
// widget: what click() needs, without reading the whole state.
async function anchorState(page, name) {
  return page.evaluate(n => JSON.parse(Module.ccall('atelier_debug_anchor', 'string', ['string'], [n])), name);
}

// Waits for widget `name` to be drawn (and `predicate` of that small state).
async function waitAnchor(page, name, what, timeout = 15000, predicate = () => true) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeout) {
    try {
      const s = await anchorState(page, name);
      if (s.anchors[name] && predicate(s)) return s;
    } catch { /* module not ready yet */ }
    await page.waitForTimeout(50);
  }
  throw new Error(`timed out waiting for ${what}; last state: ${brief(await state(page).catch(e => e.message))}`);
}

export async function waitFor(page, predicate, what, timeout = 15000) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < timeout) {
    try {
      last = await state(page);
      if (predicate(last)) return last;
    } catch { /* module not ready yet */ }
    await page.waitForTimeout(50);
  }
  throw new Error(`timed out waiting for ${what}; last state: ${brief(last)}`);
}

export async function openApp(page, url, { choose = true } = {}) {
  await page.goto(url + '/');
  await page.waitForFunction(() => window.Module && Module._atelier_debug_state && window.atelierReady, null, { timeout: 30000 });
  // The app's views show the new lead form, or on a narrow screen its button.
  const ready = (st) => st.anchors['new.add'] || st.anchors['new.open'];
  const s = await waitFor(page, st => st.db_open && (ready(st) || st.anchors['login.local'] || st.anchors['local.empty']),
    'the app to open its database');
  if (ready(s) || !choose) return s;
  // The first run: work on a local copy (the tests that need the server connect to it from Sync).
  await click(page, s.anchors['login.local'] ? 'login.local' : 'local.empty');
  return waitFor(page, ready, 'the app after the first run');
}

const CARD_MENU = ['card.edit_contacts', 'card.edit_requisites', 'card.lose'];

// Like a person: the pointer moves onto the widget, the app draws a frame
// with it hovered, then the button is pressed (some widgets, tabs among
// them, need to have been hovered before the press).
export async function click(page, anchorName) {
  // The new lead's fields are in a dialog: its button opens it first.
  if (anchorName.startsWith('new.') && anchorName !== 'new.open') {
    const now = await state(page);
    if (!now.anchors[anchorName] && now.anchors['new.open']) {
      await click(page, 'new.open');
      await waitFor(page, st => st.anchors[anchorName], `the new lead dialog with ${anchorName}`);
    }
  }
  // The card's other actions are in its menu: opened first.
  if (CARD_MENU.includes(anchorName)) {
    const now = await state(page);
    if (!now.anchors[anchorName] && now.anchors['card.more']) {
      await click(page, 'card.more');
      await waitFor(page, st => st.anchors[anchorName], `the card's menu with ${anchorName}`);
    }
  }
  let s = await waitAnchor(page, anchorName, `widget ${anchorName}`);
  let r = s.anchors[anchorName];
  // A widget scrolled out of its panel: the wheel over the panel brings it in.
  for (let i = 0; i < 20 && r.clip; i++) {
    const [cx, cy, cw, ch] = r.clip;
    const my = r.y + r.h / 2;
    if (my >= cy + 2 && my <= cy + ch - 2) break;
    await page.mouse.move(cx + cw / 2, cy + ch / 2);
    const frames = s.frames_drawn;
    await page.mouse.wheel(0, my > cy + ch ? Math.min(300, my - (cy + ch) + r.h + 20) : -Math.min(300, cy - my + r.h + 20));
    const next = await waitAnchor(page, anchorName, `widget ${anchorName} scrolled`, 3000, st => st.frames_drawn > frames).catch(() => null);
    if (!next) break;
    s = next;
    r = s.anchors[anchorName];
  }
  const x = r.x + r.w / 2, y = r.y + r.h / 2;
  await page.mouse.move(x, y);
  await nextFrame(page, s.frames_drawn);
  await page.mouse.click(x, y);
}

// How many frames the app has drawn: one number, where state() is the whole
// state (a hundred kilobytes on a busy studio).
export async function frames(page) {
  return page.evaluate(() => Module._atelier_debug_frames());
}

// Waits for a frame after frame `after` (up to `timeout` ms; no error).
export async function nextFrame(page, after, timeout = 15000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeout) {
    if (await frames(page) > after) return true;
    await page.waitForTimeout(20);
  }
  return false;
}

export async function saved(page) {
  return waitFor(page, s => s.persist.requested > 0 && s.persist.completed === s.persist.requested && !s.persist.in_flight,
    'the database to reach IndexedDB');
}

export async function screenshot(page, name) {
  const path = join(artifacts, name + '.png');
  await page.screenshot({ path });
  return path;
}

// Waits until the app stops drawing (its layout has settled after a change):
// asleep, with no frame drawn between two looks 60 ms apart.
export async function settle(page, timeout = 5000) {
  const t0 = Date.now();
  let last = -1;
  while (Date.now() - t0 < timeout) {
    const now = await page.evaluate(() => Module._atelier_debug_asleep() ? Module._atelier_debug_frames() : -1);
    if (now >= 0 && now === last) return;
    last = now;
    await page.waitForTimeout(now >= 0 ? 60 : 30);
  }
}

// Fills one of the app's fields: a click, the caret, then the text as one
// input event (as a paste or an input method gives it); with { keys: true },
// key by key. Each key costs the app two frames, and a software-rendered
// frame in the tests' Chromium costs tens of milliseconds: the tests that
// are about keys type them, the others fill.
export async function field(page, name, text, { keys = false } = {}) {
  await click(page, name);
  await waitFor(page, s => s.want_text_input, `the caret in ${name}`);
  if (keys) await page.keyboard.type(text);
  else if (text) await page.keyboard.insertText(text);
}

// Connects the app to the studio's server as its owner (Sync, e-mail and
// password) and waits for the first sync to bring the studio's leads.
export async function connectApp(page, email) {
  await click(page, 'view.sync');
  await field(page, 'sync.email', email);
  await field(page, 'sync.password', OWNER_PASSWORD);
  await click(page, 'sync.connect');
  return waitFor(page, s => s.sync.connected && s.sync.last_sync && !s.sync.busy && s.leads.length > 0,
    'the app connected and the first sync done', 30000);
}

// What a manager must never read: the core's own error prefixes, snake_case
// keys, ISO times, template and role codes, English fallbacks, a command line.
export const DEVELOPER_STRINGS = [
  /\batelier:/, /\b[a-z]+_[a-z0-9_]+\b/, /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, /\bundefined\b/, /\[object Object\]/,
  /\bnull\b/, /\bNaN\b/, /\brequired\b/, /Отменено: [a-z]/, /Annulé : [a-z]/, /\bsync import\b/,
  /\b(corporate|shop|landing)\b/, /\b(designer|developer|manager|copywriter)\b/,
];

// Draws one frame with its text captured and returns what it showed: the
// text, and the places where a label was cut by its clip rectangle.
export async function visibleText(page) {
  const before = await frames(page);
  await page.evaluate(() => Module._atelier_debug_capture());
  const s = await waitFor(page, st => st.captured && st.captured.frame > before, 'a captured frame');
  return s.captured;
}

// Fails when the screen shows a developer string or a cut label; `allow`
// lists texts the data itself holds (a lead's e-mail, a document link).
export async function checkScreen(page, what, { allow = [] } = {}) {
  const { text, cuts } = await visibleText(page);
  // Links, e-mail addresses and a template's {{fields}} (the studio's own template language) are data.
  let shown = text.replace(/\b(https?:\/\/|\/)\S+/g, ' ').replace(/\S+@\S+/g, ' ').replace(/\{\{[^{}]*\}\}/g, ' ');
  for (const a of allow) shown = shown.split(a).join(' ');
  for (const re of DEVELOPER_STRINGS) {
    const m = shown.match(re);
    assert.ok(!m, `${what}: the developer string "${m && m[0]}" is on screen, in: ${m && shown.slice(Math.max(0, m.index - 80), m.index + 80)}`);
  }
  assert.deepEqual(cuts, [], `${what}: labels cut without an ellipsis at ${JSON.stringify(cuts)}`);
  // A widget past its window's left or right edge on a row that shows: a
  // button clipped away whole leaves no glyph to find in the text. (A
  // row's full-width highlight reaches into the window's padding: 6 px.)
  const st = await state(page);
  const outside = Object.entries(st.anchors).filter(([, r]) => r.clip && r.w > 0 &&
    r.y < r.clip[1] + r.clip[3] && r.y + r.h > r.clip[1] &&
    (r.x + r.w > r.clip[0] + r.clip[2] + 6 || r.x < r.clip[0] - 6)).map(([name, r]) =>
    `${name} at x ${Math.round(r.x)}..${Math.round(r.x + r.w)}, window ${Math.round(r.clip[0])}..${Math.round(r.clip[0] + r.clip[2])}`);
  assert.deepEqual(outside, [], `${what}: widgets past their window's edge`);
  return text;
}
