// Starts a real Dongne server (the binary `cargo leptos build` produced) on a free loopback
// port with its own SQLite file, and a headless Debian chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const root = resolve(import.meta.dirname, '..', '..');

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'dongne-e2e-'));
  const port = await freePort();
  const bin = process.env.DONGNE_SERVER_BIN ?? join(root, 'target', 'debug', 'server');
  const child = spawn(bin, [], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${join(dir, 'e2e.db')}?mode=rwc`,
      DONGNE_ADDR: `127.0.0.1:${port}`,
      DONGNE_DATA_DIR: dir,
      DONGNE_DEMO_DATA: 'true',
      // The harvest test's upstream is a local server.
      DONGNE_FETCH_ALLOW: '127.0.0.1/32',
      LEPTOS_SITE_ROOT: join(root, 'target', 'site'),
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error('server did not become ready in 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/// Registers before/after hooks that start a server and a browser for a test file; the
/// returned object holds them once the hooks have run.
export function serverAndBrowser(before, after) {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

const axePath = new URL('../node_modules/axe-core/axe.min.js', import.meta.url).pathname;
const axeSource = readFileSync(axePath, 'utf8');

/// Loads axe-core into the page through the browser's debugging protocol: pages send a
/// Content-Security-Policy that (rightly) refuses injected inline scripts.
export async function loadAxe(page) {
  await page.evaluate(axeSource);
}

/// A new browser context signed in as `username` (the demo password unless given), on a phone by default; page
/// errors are collected in `errors`.
export async function signedIn(env, username, viewport = { width: 375, height: 740 }, password = 'dongne-demo') {
  const context = await env.browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.server.base}/login`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button.primary');
  await page.waitForSelector('[data-testid=user-name]');
  return { context, page, errors };
}

/// No WCAG 2 A/AA violation (axe-core) and nothing wider than a 375-px phone.
export async function checkPage(page, what) {
  await loadAxe(page);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }));
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], what);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `${what} is ${width}px wide`);
}
