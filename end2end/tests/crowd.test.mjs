// The crowd page on a phone: readable from the server's HTML alone (schematic map and list,
// most crowded first), then a Leaflet map with one coloured marker per place; the light list
// for congested networks has no JavaScript at all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser } from './support.mjs';

const env = serverAndBrowser(before, after);
const axe = new URL('../node_modules/axe-core/axe.min.js', import.meta.url).pathname;
const order = ['lvl-4', 'lvl-3', 'lvl-2', 'lvl-1', 'lvl-stale'];

test('the crowd page shows coloured hot spots before and after the wasm, on a 375-px phone', async () => {
  // Server-rendered HTML alone: the schematic map and the list are there.
  const html = await (await fetch(`${env.server.base}/crowd`)).text();
  const ssrSpots = html.match(/<g [^>]*class="spot s[0-4]"/g) ?? [];
  assert.equal(ssrSpots.length, 5, 'the district\'s five places on the schematic map');
  assert.match(html, /class="crowd-list"/);
  assert.match(html, /성수카페거리/);

  const context = await env.browser.newContext({ viewport: { width: 375, height: 740 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.server.base}/crowd`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  // Leaflet replaces the schematic: one marker per place.
  await page.waitForSelector('#crowd-map[data-map=leaflet] .leaflet-interactive', { timeout: 10_000 });
  assert.equal(await page.locator('#crowd-map .leaflet-interactive').count(), 5);
  // The list: most crowded first.
  const classes = await page.locator('.crowd-list li > span:nth-child(2)').evaluateAll((els) =>
    els.map((e) => [...e.classList].find((c) => c.startsWith('lvl-'))));
  const ranks = classes.map((c) => order.indexOf(c));
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `${classes}`);
  // The whole city and a search, through the same form (no JavaScript needed).
  await page.check('input[name=district]');
  await page.fill('#crowd-q', '역');
  await page.click('.crowd-filter button');
  await page.waitForURL(/district=all/);
  await page.waitForSelector('body[data-hydrated="true"]');
  const names = await page.locator('.crowd-list .crowd-name').allInnerTexts();
  assert.ok(names.length > 5 && names.every((n) => n.includes('역')), `${names}`);
  await page.addScriptTag({ path: axe });
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }));
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the light list works with JavaScript off', async () => {
  const context = await env.browser.newContext({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${env.server.base}/crowd/lite?district=all`);
  const rows = await page.locator('tbody tr').count();
  assert.equal(rows, 121);
  await page.fill('#q', '서울숲');
  await page.click('button');
  await page.waitForURL(/q=/);
  assert.match(await page.locator('tbody').innerText(), /서울숲공원/);
  await context.close();
});
