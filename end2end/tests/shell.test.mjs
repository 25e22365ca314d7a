// The app shell in a real browser: server-rendered content before wasm, hydration, client-side
// navigation, login as a demo user, the language switch, a phone-sized layout, keyboard use.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser } from './support.mjs';

const env = serverAndBrowser(before, after);

test('content is server-rendered and readable without JavaScript', async () => {
  const context = await env.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${env.server.base}/`);
  assert.match(await page.locator('[data-testid=stats]').innerText(), /데이터 \d+종/);
  await page.goto(`${env.server.base}/datasets?q=공원`);
  assert.match(await page.locator('.dataset-list').innerText(), /공원 및 녹지 현황/);
  await page.goto(`${env.server.base}/crowd`);
  assert.match(await page.locator('.crowd-list').innerText(), /성수카페거리/);
  await context.close();
});

test('hydrates, navigates client-side, and signs a demo user in and out', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.server.base}/`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  // A marker on window survives only client-side navigation (no full reload).
  await page.evaluate(() => { window.__dongneMarker = 1; });
  await page.click('a[href="/datasets"]');
  await page.waitForURL('**/datasets');
  await page.waitForSelector('[data-testid=result-count]');
  assert.equal(await page.evaluate(() => window.__dongneMarker), 1, 'navigated without reload');

  await page.click('a[href="/login"]');
  await page.waitForSelector('#username');
  // Client-side validation runs the shared rules before any request.
  await page.click('button.primary');
  await page.fill('#username', 'parks-steward');
  await page.fill('#password', 'wrong');
  await page.click('button.primary');
  await page.waitForSelector('.form-error:has-text("올바르지")');
  await page.fill('#password', 'dongne-demo');
  await page.click('button.primary');
  await page.waitForSelector('[data-testid=user-name]');
  assert.match(await page.locator('[data-testid=user-name]').innerText(), /공원녹지과/);

  // The steward may open the edit form of their department's dataset (not in proposal mode).
  await page.goto(`${env.server.base}/datasets/parks-green-spaces`);
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.click('a.button[href$="/edit"]');
  await page.waitForSelector('#f-title_ko');
  assert.equal(await page.locator('[data-testid=propose-mode]').count(), 0);
  // Descriptions are Markdown, previewed as the dataset page will show them (sanitized).
  await page.fill('#f-description_en', '**Bold** <script>x()</script>');
  await page.click('details.md-preview:has([data-testid=preview-description_en]) summary');
  const preview = page.locator('[data-testid=preview-description_en]');
  assert.equal(await preview.locator('strong').innerText(), 'Bold');
  assert.equal(await preview.locator('script').count(), 0);
  // Client-side validation with the shared rules names the field before any request.
  await page.fill('#f-title_ko', '');
  await page.click('[data-testid=save]');
  await page.waitForSelector('#e-title_ko:has-text("title_ko")');
  assert.equal(await page.locator('#f-title_ko').getAttribute('aria-invalid'), 'true');

  await page.click('button:has-text("로그아웃")');
  await page.waitForSelector('a[href="/login"]');
  assert.deepEqual(errors, []);
  await context.close();
});

test('language switch, phone layout and keyboard use', async () => {
  const context = await env.browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${env.server.base}/datasets`);
  await page.click('a[hreflang=en]');
  await page.waitForSelector('html[lang=en]');
  assert.match(await page.locator('h1').innerText(), /Find datasets/);
  for (const path of ['/', '/datasets', '/datasets/parks-green-spaces', '/crowd', '/login']) {
    await page.goto(`${env.server.base}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} overflows a 375 px screen by ${overflow}px`);
  }
  // Keyboard: the first Tab reaches the skip link, which moves focus to the content.
  await page.goto(`${env.server.base}/`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');
  await context.close();
});
