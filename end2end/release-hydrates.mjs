// The release site hydrates: starts the release server (target/release/server, the site in
// target/site) on its own SQLite file with the demo data, opens a page in chromium and waits for
// the wasm to take over. A build step that breaks the wasm (an old wasm-opt did: the browser
// refused the module at Table.set) fails here, not in front of a reader.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = await new Promise((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
const dir = mkdtempSync(join(tmpdir(), 'dongne-release-'));
const server = spawn(join(root, 'target', 'release', 'server'), [], {
  cwd: root,
  env: { ...process.env, DATABASE_URL: `sqlite://${join(dir, 'r.db')}?mode=rwc`, DONGNE_ADDR: `127.0.0.1:${port}`,
    DONGNE_DATA_DIR: dir, DONGNE_DEMO_DATA: 'true', LEPTOS_SITE_ROOT: join(root, 'target', 'site'), RUST_LOG: 'warn' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
let failed = null;
try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/readyz`)).ok) break; } catch {}
    if (i > 240) throw new Error('the release server did not start');
    await new Promise((r) => setTimeout(r, 500));
  }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await (await browser.newContext()).newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    for (const path of ['/', '/login']) {
      await page.goto(base + path);
      await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached', timeout: 30_000 })
        .catch(() => { throw new Error(`${path} did not hydrate: ${errors.join('; ') || 'no error reported'}`); });
    }
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    console.log('[release] the release site hydrates (/, /login)');
  } finally {
    await browser.close();
  }
} catch (e) {
  failed = e;
} finally {
  server.kill();
}
if (failed) { console.error(`[release] ${failed.message}`); process.exit(1); }
