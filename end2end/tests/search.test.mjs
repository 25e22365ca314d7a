// Search in a real browser: Korean text with live results, ticking a facet, the URL as the
// state (reload and back button give the same results).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser } from './support.mjs';

const env = serverAndBrowser(before, after);

const titles = (page) => page.locator('.dataset-list .dataset-card h3 a').allInnerTexts();

test('search in Korean, tick a facet, reload to the same results', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.server.base}/datasets`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  const allCount = await page.locator('[data-testid=result-count]').innerText();

  // Live results as you type (no submit).
  await page.locator('#catalog-q').pressSequentially('공원', { delay: 50 });
  await page.waitForURL(/q=%EA%B3%B5%EC%9B%90/);
  await page.waitForFunction((before) => document.querySelector('[data-testid=result-count]')?.innerText !== before, allCount);
  await page.waitForSelector('.dataset-list mark');
  const parkCount = await page.locator('[data-testid=result-count]').innerText();

  // Tick a facet.
  const facet = page.locator('a.facet-option[data-facet=dong][data-term=oksu]');
  await facet.click();
  await page.waitForURL(/dong=oksu/);
  await page.waitForSelector('a.facet-option[data-facet=dong][data-term=oksu][aria-checked=true]');
  await page.waitForFunction((before) => document.querySelector('[data-testid=result-count]')?.innerText !== before, parkCount);
  const filtered = await titles(page);
  const filteredCount = await page.locator('[data-testid=result-count]').innerText();
  assert.ok(filtered.length > 0);
  const total = (text) => Number(text.match(/\d+/)[0]);
  assert.ok(total(filteredCount) < total(parkCount), `${filteredCount} narrower than ${parkCount}`);
  assert.ok(filtered.some((t) => t.includes('옥수동')), filtered.join(' | '));

  // The URL is the state: a reload gives the same results, server-rendered.
  await page.reload();
  await page.waitForSelector('a.facet-option[data-facet=dong][data-term=oksu][aria-checked=true]');
  assert.deepEqual(await titles(page), filtered);
  assert.equal((await page.locator('[data-testid=result-count]').innerText()).split('·')[0], filteredCount.split('·')[0]);

  // Back goes to the unfiltered search.
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes('dong=oksu'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('suggestions and keyboard: the search box is reachable and offers titles', async () => {
  const context = await env.browser.newContext({ viewport: { width: 375, height: 740 } });
  const page = await context.newPage();
  await page.goto(`${env.server.base}/datasets`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.locator('#catalog-q').focus();
  await page.keyboard.type('와이', { delay: 50 });
  await page.waitForFunction(() => document.querySelectorAll('#catalog-suggestions option').length > 0);
  const options = await page.locator('#catalog-suggestions option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(options.some((o) => o.includes('와이파이')), options.join(' | '));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `search page overflows a 375 px screen by ${overflow}px`);
  await context.close();
});
