// What the browser tests share: a `repere serve` on a free port, Debian's Chromium, checks
// that count, and an audit of a page (axe-core WCAG 2.1 A/AA, weight, other hosts, one h1,
// a screenshot).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const tally = { passed: 0, failures: 0 };
export function check(ok, what) {
  if (ok) {
    tally.passed++;
    console.log(`ok   ${what}`);
  } else {
    tally.failures++;
    console.log(`FAIL ${what}`);
  }
}

// A free loopback port (for a server a test starts).
export function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Starts `repere serve --data DIR` on a free port, with `env` added to its environment
// (settings as REPERE_* variables); resolves when /api/v1/health answers.
export async function startServer(repere, dataDir, env = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(repere, ['serve', '--data', dataDir, '--port', String(port)], {
    stdio: ['ignore', 'ignore', 'ignore'],
    // Links to copy are made from the configured public address, as on a real deployment.
    env: { ...process.env, REPERE_WEB_PUBLIC_URL: base, ...env },
  });
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/api/v1/health`);
      if (r.ok) return { base, server };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill('SIGTERM');
  throw new Error('repere serve did not answer');
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
  });
}

// A page that records what it asks for, and audits itself: `await p.audit('name')`.
export async function auditedPage(context, base, shotDir) {
  mkdirSync(shotDir, { recursive: true });
  const page = await context.newPage();
  const state = { requests: [] };
  page.on('requestfinished', async (req) => {
    // A media request can finish as the browser closes: its response is then gone, not an error.
    const res = await req.response().catch(() => null);
    const sizes = await req.sizes().catch(() => ({ responseBodySize: 0, responseHeadersSize: 0 }));
    state.requests.push({ url: req.url(), type: req.resourceType(), bytes: sizes.responseBodySize + sizes.responseHeadersSize, status: res ? res.status() : 0 });
  });
  page.on('requestfailed', (req) => state.requests.push({ url: req.url(), type: req.resourceType(), bytes: 0, status: -1 }));
  async function audit(name) {
    await page.evaluate(axeSource);
    const result = await page.evaluate(() =>
      window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
    for (const v of result.violations) {
      console.log(`     axe ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    }
    check(result.violations.length === 0, `${name}: axe-core finds no violation`);
    await page.screenshot({ path: `${shotDir}/${name}.png`, fullPage: true });
    const mine = state.requests.filter((r) => !r.url.includes('/api/v1/media/'));
    const bytes = mine.reduce((n, r) => n + r.bytes, 0);
    const js = mine.filter((r) => r.type === 'script').reduce((n, r) => n + r.bytes, 0);
    console.log(`     ${name}: ${mine.length} requests, ${bytes} bytes without media, ${js} bytes of script`);
    check(bytes < 100 * 1024, `${name}: under 100 KB without its media (${bytes} B)`);
    check(js <= 20 * 1024, `${name}: at most 20 KB of JavaScript (${js} B)`);
    const others = state.requests.filter((r) => !r.url.startsWith(base) && !r.url.startsWith('data:'));
    check(others.length === 0, `${name}: no request to another host`);
    const h1 = await page.locator('h1').count();
    check(h1 === 1, `${name}: one h1`);
  }
  // Opens a URL with a fresh count of requests.
  async function open(url) {
    state.requests = [];
    await page.goto(url, { waitUntil: 'load' });
  }
  // Forgets the requests so far (before a navigation by click or key).
  function forget() { state.requests = []; }
  return { page, audit, open, forget };
}

// Tab (or Shift+Tab) until `test(document.activeElement)` holds; false after `max` presses.
export async function tabTo(page, test, arg, max = 120) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate(test, arg)) return true;
    await page.keyboard.press('Tab');
  }
  return page.evaluate(test, arg);
}
const isId = (id) => document.activeElement && document.activeElement.id === id;
export async function tabToId(page, id) {
  const ok = await tabTo(page, isId, id);
  if (!ok) throw new Error(`Tab never reached #${id}`);
}
export async function tabToButton(page, text) {
  const ok = await tabTo(page, (t) => {
    const a = document.activeElement;
    return a && (a.tagName === 'BUTTON' || a.tagName === 'A') && a.textContent.trim() === t;
  }, text);
  if (!ok) throw new Error(`Tab never reached « ${text} »`);
}

// A copy of a data folder (the demo's) for a test that changes it, with staff accounts
// (`accounts`: [login, role] pairs, all with `password`). Returns { work, data }: remove `work`
// after.
export function copyWithAccounts(repere, source, prefix, accounts, password) {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const data = join(work, 'data');
  cpSync(source, data, { recursive: true });
  rmSync(join(data, 'ingest.lock'), { force: true });
  for (const [login, role] of accounts) {
    const r = spawnSync(repere, ['user', 'add', login, '--role', role, '--password-stdin', '--data', data],
      { input: `${password}\n`, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`repere user add ${login}: ${r.stderr}`);
  }
  return { work, data };
}

// Signs an audited page in at /connexion, by keyboard (Tab, typing, Enter) or by mouse.
export async function signIn(t, base, login, password, keys) {
  await t.open(`${base}/connexion`);
  if (keys) {
    await tabToId(t.page, 'identifiant');
    await t.page.keyboard.type(login);
    await t.page.keyboard.press('Tab');
    await t.page.keyboard.type(password);
    await Promise.all([t.page.waitForNavigation(), t.page.keyboard.press('Enter')]);
  } else {
    await t.page.fill('#identifiant', login);
    await t.page.fill('#mot-de-passe', password);
    await Promise.all([t.page.waitForNavigation(), t.page.click('form.formulaire button[type=submit]')]);
  }
  check(await t.page.locator('.compte .qui').count() === 1, `${login} is signed in (the header names them)`);
}
