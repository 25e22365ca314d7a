// The crowd page on a phone: readable from the server's HTML alone (schematic map and list,
// most crowded first), then a Leaflet map with one coloured marker per place; the light list
// for congested networks has no JavaScript at all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, serverAndBrowser, signedIn } from './support.mjs';

const env = serverAndBrowser(before, after);
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
  await checkPage(page, '/crowd?district=all&q=역');
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

test('a pushed busy reading, its alert and emergency mode reach an open phone map live', async () => {
  // An administrator adds a local point with its own feed and a rule for it, on a phone.
  const admin = await signedIn(env, 'admin');
  await admin.page.goto(`${env.server.base}/admin/crowd`);
  await admin.page.waitForSelector('body[data-hydrated="true"]');
  await admin.page.fill('#pt-code', 'gate-1');
  await admin.page.fill('#pt-ko', '성수 축제 1번 출입구');
  await admin.page.fill('#pt-en', 'Seongsu festival gate 1');
  await admin.page.fill('#pt-lat', '37.5445');
  await admin.page.fill('#pt-lon', '127.0557');
  await admin.page.click('text=지점 추가');
  const token = (await admin.page.locator('[data-testid=push-token] code').innerText()).trim();
  assert.match(token, /^dnp_[0-9a-f]{48}$/);
  await admin.page.selectOption('#rule-spot', 'gate-1');
  await admin.page.selectOption('#rule-level', '4');
  await admin.page.fill('#rule-min', '0');
  await admin.page.click('text=규칙 추가');
  await admin.page.waitForSelector('text=붐빔 이상');
  await checkPage(admin.page, '/admin/crowd');

  // A resident's phone has the map open.
  const phone = await env.browser.newContext({ viewport: { width: 375, height: 740 } });
  const page = await phone.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.server.base}/crowd`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.waitForSelector('#crowd-map[data-map=leaflet] .leaflet-interactive');
  const row = page.locator('li[data-code="gate-1"]');
  await row.waitFor();
  assert.equal(await row.locator('.lvl-stale').count(), 1, 'no reading yet');
  assert.equal(await page.locator('[data-testid=alert-banner]').count(), 0);

  // The gate counter pushes a busy reading: the phone shows it and the alert within 2 s.
  const r = await fetch(`${env.server.base}/api/v1/crowd/spots/gate-1/readings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ level: 4, population_min: 9000, population_max: 9500 }),
  });
  assert.equal(r.status, 200, await r.text());
  await row.locator('.lvl-4').waitFor({ timeout: 2_000 });
  await page.waitForSelector('[data-testid=alert-banner] >> text=성수 축제 1번 출입구', { timeout: 2_000 });
  const before = await page.locator('.crowd-list li').evaluateAll((els) => {
    const i = els.findIndex((e) => e.dataset.code === 'gate-1');
    return els.slice(0, i).map((e) => e.querySelector('.lvl').className);
  });
  assert.ok(before.every((c) => c.includes('lvl-4')), `only busy places come before it: ${before}`);

  // The place's panel: level, trend chart and the way back.
  await row.locator('a.crowd-name').click();
  await page.waitForSelector('[data-testid=spot-panel] svg.trend');
  assert.match(await page.locator('[data-testid=spot-panel]').innerText(), /9000–9500/);
  await checkPage(page, '/crowd with an alert and a panel');

  // Emergency mode: the open map shows the message live; a new visit gets the light list.
  await admin.page.selectOption('#em-spot', 'gate-1');
  await admin.page.fill('#em-ko', '1번 출입구 혼잡: 2번 출입구를 이용하세요.');
  await admin.page.fill('#em-en', 'Gate 1 is crowded: please use gate 2.');
  await admin.page.click('[data-testid=start-emergency]');
  await admin.page.waitForSelector('[data-testid=emergency-active]');
  await page.waitForSelector('[data-testid=emergency] >> text=2번 출입구를 이용하세요', { timeout: 2_000 });
  const visitor = await phone.newPage();
  await visitor.goto(`${env.server.base}/crowd`);
  assert.match(visitor.url(), /\/crowd\/lite$/);
  assert.match(await visitor.locator('[role=alert]').innerText(), /2번 출입구를 이용하세요/);
  await visitor.goto(`${env.server.base}/datasets`);
  assert.match(await visitor.locator('[data-testid=emergency]').innerText(), /2번 출입구/);
  await admin.page.click('[data-testid=end-emergency]');
  await page.waitForSelector('[data-testid=emergency]', { state: 'detached', timeout: 2_000 });
  assert.deepEqual(errors, []);
  await phone.close();
  await admin.context.close();
});
