// The public portal as an anonymous resident sees it: every public page accessible (axe,
// WCAG 2 A/AA) and fitting a 375-px phone in Korean and in English, readable without
// JavaScript, light enough for congested networks; and Dongne as an installable app whose
// crowd map and last dataset pages stay readable offline.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { checkPage, serverAndBrowser, signedIn } from './support.mjs';

const env = serverAndBrowser(before, after);
const phone = { viewport: { width: 375, height: 740 } };
const PAGES_CACHE = 'dongne-pages-v1';

/// Two published public demo datasets (as the anonymous public API lists them).
async function demoDatasets() {
  const r = await fetch(`${env.server.base}/api/v1/datasets?q=`);
  assert.equal(r.status, 200);
  const items = (await r.json()).items.map((h) => h.dataset)
    .filter((d) => d.visibility === 'public' && d.status === 'published');
  assert.ok(items.length >= 2, `public demo datasets: ${items.length}`);
  return items.slice(0, 2);
}

function publicPages(slug) {
  return ['/', '/datasets', '/datasets?q=공원', `/datasets/${slug}`, '/crowd', '/crowd/lite', '/login', '/no-such-page'];
}

/// Opens `path` on a 375-px phone in `lang` and checks it with axe and for width.
async function checkPublicPages(lang, paths) {
  const context = await env.browser.newContext(phone);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (lang === 'en') {
    // The language switch is a plain link: the server sets the cookie and sends us back.
    await page.goto(`${env.server.base}/`);
    await page.click('a[hreflang=en]');
    await page.waitForSelector('html[lang=en]');
  }
  try {
    for (const path of paths) {
      const resp = await page.goto(`${env.server.base}${path}`);
      assert.equal(resp.status(), path === '/no-such-page' ? 404 : 200, `${path} status`);
      assert.equal(await page.getAttribute('html', 'lang'), lang, `${path} language`);
      // The light list has no wasm at all.
      if (!path.startsWith('/crowd/lite')) await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
      if (path === '/crowd') await page.waitForSelector('#crowd-map[data-map=leaflet] .leaflet-interactive', { timeout: 10_000 });
      await checkPage(page, `${path} (${lang})`);
    }
    assert.deepEqual(errors, [], `page errors (${lang})`);
  } finally {
    await context.close();
  }
}

test('every public page passes axe and fits a 375-px phone, in Korean and in English', async () => {
  const [d] = await demoDatasets();
  const pages = publicPages(d.slug).filter((p) => p !== '/crowd/lite');
  for (const lang of ['ko', 'en']) await checkPublicPages(lang, pages);
});

// The light list reloads itself only when the reader asks (?refresh=on), so by default nothing
// throws a screen reader back to the top (axe: meta-refresh, WCAG 2.2.1).
test('the light crowd list passes axe and fits a 375-px phone', async () => {
  for (const lang of ['ko', 'en']) await checkPublicPages(lang, ['/crowd/lite', '/crowd/lite?district=all']);
});

test('with JavaScript off the home, a dataset page and the crowd map show their content', async () => {
  const [d] = await demoDatasets();
  const context = await env.browser.newContext({ ...phone, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${env.server.base}/`);
  assert.match(await page.locator('[data-testid=stats]').innerText(), /데이터 \d+종/);
  assert.ok(await page.locator('.dataset-list li').count() > 0, 'recent datasets listed');
  await page.goto(`${env.server.base}/datasets/${d.slug}`);
  assert.equal((await page.locator('main h1').innerText()).trim(), d.title_ko);
  assert.ok(await page.locator('.meta-grid dt').count() > 0, 'the dataset\'s metadata');
  await page.goto(`${env.server.base}/crowd`);
  assert.match(await page.locator('.crowd-list').innerText(), /성수카페거리/);
  assert.equal(await page.locator('svg .spot').count(), 5, 'the schematic map');
  await context.close();
});

test('each public page weighs under 50 KB gzipped (HTML plus the CSS it links)', async () => {
  const [d] = await demoDatasets();
  const css = new Map();
  const get = async (url, headers = {}) => {
    const r = await fetch(url, { headers });
    assert.ok(r.ok || r.status === 404, `${url}: ${r.status}`);
    return r.text();
  };
  const rows = [];
  for (const lang of ['ko', 'en']) {
    for (const path of publicPages(d.slug)) {
      const headers = lang === 'en' ? { cookie: 'lang=en' } : {};
      const html = await get(`${env.server.base}${path}`, headers);
      const htmlGz = gzipSync(html).length;
      const links = [...html.matchAll(/<link\b[^>]*\brel="?stylesheet"?[^>]*>/g)]
        .map((m) => /\bhref="([^"]+)"/.exec(m[0])?.[1]).filter(Boolean);
      let cssGz = 0;
      for (const href of links) {
        if (!css.has(href)) css.set(href, gzipSync(await get(new URL(href, env.server.base).href)).length);
        cssGz += css.get(href);
      }
      rows.push({ lang, path, html: htmlGz, css: cssGz, total: htmlGz + cssGz, stylesheets: links.join(' ') });
    }
  }
  console.log('gzipped bytes (HTML + linked CSS):');
  console.table(rows);
  // For information: the wasm and its JS glue, loaded after the HTML is readable.
  const home = await get(`${env.server.base}/`);
  const wasm = /<link rel="preload" href="([^"]+\.wasm)"/.exec(home)[1];
  for (const f of ['/pkg/dongne.js', wasm]) {
    const body = Buffer.from(await (await fetch(`${env.server.base}${f}`)).arrayBuffer());
    console.log(`${f}: ${body.length} bytes, ${gzipSync(body).length} gzipped (not in the budget)`);
  }
  for (const r of rows) assert.ok(r.total < 50 * 1024, `${r.path} (${r.lang}) weighs ${r.total} bytes gzipped`);
});

test('the manifest, its icons and the service worker are served right', async () => {
  const html = await (await fetch(`${env.server.base}/`)).text();
  assert.match(html, /<link rel="manifest" href="\/manifest.webmanifest"/);
  assert.match(html, /<link rel="apple-touch-icon" href="([^"]+)"/);
  assert.match(html, /navigator\.serviceWorker\.register\('\/sw\.js\?v=[0-9a-f]+'\)/);

  const r = await fetch(`${env.server.base}/manifest.webmanifest`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/manifest\+json/);
  const m = await r.json();
  assert.equal(m.name, '동네 데이터 · Dongne data');
  assert.ok(m.short_name && m.short_name.length <= 12, m.short_name);
  assert.equal(m.start_url, '/');
  assert.equal(m.scope, '/');
  assert.equal(m.display, 'standalone');
  assert.equal(m.theme_color, '#0b5cad');
  assert.match(m.background_color, /^#[0-9a-f]{6}$/i);
  assert.equal(m.lang, 'ko');
  const png = m.icons.filter((i) => i.type === 'image/png');
  for (const size of ['192x192', '512x512']) {
    assert.ok(png.some((i) => i.sizes === size && i.purpose.split(' ').includes('any')), `a ${size} icon`);
    assert.ok(png.some((i) => i.sizes === size && i.purpose.split(' ').includes('maskable')), `a maskable ${size} icon`);
  }
  assert.ok(m.icons.some((i) => i.src === '/favicon.svg'), 'the SVG icon');
  const appleIcon = /<link rel="apple-touch-icon" href="([^"]+)"/.exec(html)[1];
  for (const icon of [...m.icons, { src: appleIcon, type: 'image/png', sizes: '180x180' }]) {
    const res = await fetch(new URL(icon.src, env.server.base));
    assert.equal(res.status, 200, icon.src);
    assert.equal(res.headers.get('content-type'), icon.type, icon.src);
    if (icon.type === 'image/png') {
      // The PNG's own width and height (IHDR) match what the manifest says.
      const b = Buffer.from(await res.arrayBuffer());
      assert.equal(b.subarray(1, 4).toString(), 'PNG');
      assert.equal(`${b.readUInt32BE(16)}x${b.readUInt32BE(20)}`, icon.sizes, icon.src);
    }
  }

  const sw = await fetch(`${env.server.base}/sw.js`);
  assert.equal(sw.status, 200);
  assert.match(sw.headers.get('content-type'), /^(text|application)\/javascript/);
  const offline = await fetch(`${env.server.base}/offline.html`);
  assert.equal(offline.status, 200);
  assert.match(offline.headers.get('content-type'), /^text\/html/);
});

/// Waits until this context's service worker controls `page`.
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', null, { timeout: 15_000 });
}

/// Waits until the service worker has stored `path` (network first: stored after the answer).
async function storedPage(page, path) {
  await page.waitForFunction(async ([name, url]) => Boolean(await (await caches.open(name)).match(url, { ignoreVary: true })),
    [PAGES_CACHE, new URL(path, env.server.base).href], { timeout: 10_000, polling: 100 });
}

async function storedKeys(page) {
  return page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search), PAGES_CACHE);
}


test('installed as an app, the crowd map and dataset pages read before stay readable offline', async () => {
  const [seen, unseen] = await demoDatasets();
  const context = await env.browser.newContext(phone);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // A first visit straight to the crowd map: the worker installs, takes the page over, and
  // stores the page it was installed from.
  await page.goto(`${env.server.base}/crowd`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await controlled(page);
  await storedPage(page, '/crowd');
  await page.goto(`${env.server.base}/datasets/${seen.slug}`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await storedPage(page, `/datasets/${seen.slug}`);
  // Pages that are not public reading are never stored, nor is the live stream.
  await page.goto(`${env.server.base}/login`);
  await page.waitForSelector('#username');
  await page.goto(`${env.server.base}/admin`);
  const keys = await storedKeys(page);
  assert.deepEqual(keys.filter((k) => !/^\/(crowd(\/lite)?|datasets\/[^/?]+)?(\?.*)?$/.test(k) && k !== '/api/v1/crowd'), [], `${keys}`);
  assert.ok(keys.includes('/crowd') && keys.includes(`/datasets/${seen.slug}`), `${keys}`);
  const storedDate = await page.evaluate(async ([name, url]) =>
    (await (await caches.open(name)).match(url)).headers.get('date'), [PAGES_CACHE, `${env.server.base}/crowd`]);

  assert.deepEqual(errors, [], 'page errors online');

  await context.setOffline(true);
  // Reload the crowd map: its last known state is there.
  await page.goto(`${env.server.base}/crowd`);
  assert.match(await page.locator('.crowd-list').innerText(), /성수카페거리/);
  assert.equal(await page.locator('.crowd-list li').count() >= 5, true);
  // The reader is told this is the copy saved at that time, not the live state.
  const notice = () => page.evaluate(() => getComputedStyle(document.body, '::before').content);
  assert.match(await notice(), /오프라인: \d{4}-\d\d-\d\d \d\d:\d\d KST.*Offline: saved at/);
  await page.reload();
  assert.match(await page.locator('.crowd-list').innerText(), /성수카페거리/);
  await checkPage(page, '/crowd offline');
  // The dataset page read before.
  await page.goto(`${env.server.base}/datasets/${seen.slug}`);
  assert.equal((await page.locator('main h1').innerText()).trim(), seen.title_ko);
  assert.match(await notice(), /Offline: saved at/);
  // A dataset never opened: the offline page, which lists what this phone has saved.
  await page.goto(`${env.server.base}/datasets/${unseen.slug}`);
  await page.waitForSelector('[data-testid=offline]');
  assert.match(await page.locator('h1').innerText(), /오프라인|offline/i);
  await page.waitForSelector(`#saved a[href="/datasets/${seen.slug}"]`);
  assert.match(await page.locator('#saved').innerText(), new RegExp(seen.title_ko));
  await checkPage(page, 'the offline page');

  // Back online: network first, so the worker serves (and stores) a fresh page, not the copy.
  await context.setOffline(false);
  await new Promise((r) => setTimeout(r, 1100));
  const fresh = await page.goto(`${env.server.base}/crowd`);
  assert.ok(Date.parse(fresh.headers().date) > Date.parse(storedDate), `${fresh.headers().date} after ${storedDate}`);
  assert.equal(await notice(), 'none');
  await page.goto(`${env.server.base}/datasets/${unseen.slug}`);
  assert.equal((await page.locator('main h1').innerText()).trim(), unseen.title_ko);
  await context.close();
});

test('pages rendered for a signed-in member of staff are private and never stored', async () => {
  const [d] = await demoDatasets();
  const staff = await signedIn(env, 'parks-steward');
  await controlled(staff.page);
  const resp = await staff.page.goto(`${env.server.base}/datasets/${d.slug}`);
  assert.match(resp.headers()['cache-control'] ?? '', /private/);
  assert.match(resp.headers()['cache-control'] ?? '', /no-store/);
  await staff.page.goto(`${env.server.base}/crowd`);
  await staff.page.waitForSelector('body[data-hydrated="true"]');
  // Give the worker time to (not) store them.
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual((await storedKeys(staff.page)).filter((k) => !k.startsWith('/api/')), []);
  await staff.context.close();
  // Anonymous readers' pages carry no such header (shared caches may keep them).
  const anon = await fetch(`${env.server.base}/datasets/${d.slug}`);
  assert.equal(anon.headers.get('cache-control'), null);
});

test('a resident reports a problem from a dataset page, with and without JavaScript', async () => {
  const [d, e] = await demoDatasets();
  for (const [javaScriptEnabled, slug] of [[true, d.slug], [false, e.slug]]) {
    const context = await env.browser.newContext({ ...phone, javaScriptEnabled });
    const page = await context.newPage();
    await page.goto(`${env.server.base}/datasets/${slug}`);
    if (javaScriptEnabled) await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
    await page.click('#report summary');
    await page.selectOption('#report-kind', 'outdated');
    await page.fill('#report-body', `최신 자료가 올라오지 않았습니다 (${javaScriptEnabled ? 'js' : 'no js'}).`);
    await Promise.all([page.waitForURL(/feedback=sent/), page.click('#report button[type=submit]')]);
    assert.match(await page.locator('[data-testid=report-notice]').innerText(), /담당 부서에 전달했습니다/);
    // axe needs JavaScript: the page with the notice is checked in the first round.
    if (javaScriptEnabled) {
      await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
      await checkPage(page, `/datasets/${slug}?feedback=sent`);
    }
    await context.close();
  }
  // The owning department's steward sees the report on the dataset page and resolves it.
  const owner = d.department.code;
  const s = await signedIn(env, `${owner}-steward`);
  await s.page.goto(`${env.server.base}/datasets/${d.slug}`);
  await s.page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  const reports = s.page.locator('[data-testid=reports]');
  await reports.waitFor();
  assert.match(await reports.innerText(), /최신 자료가 올라오지 않았습니다 \(js\)/);
  await reports.locator('li[data-status=open] button').first().click();
  await s.page.waitForSelector('[data-testid=reports] li[data-status=resolved]');
  await checkPage(s.page, `/datasets/${d.slug} (steward, reports)`);
  assert.deepEqual(s.errors, []);
  await s.context.close();
});

test('staff make, use and revoke an API key on /account/keys', async () => {
  const s = await signedIn(env, 'viewer');
  await s.page.click('[data-testid=user-name]');
  await s.page.waitForURL(/\/account\/keys$/);
  await s.page.fill('#key-name', '통계 연계');
  await s.page.click('button[type=submit]:has-text("키 만들기")');
  const secret = (await s.page.locator('[data-testid=new-key] code.secret').innerText()).trim();
  assert.match(secret, /^dn_[0-9a-f]{40}$/);
  await s.page.waitForSelector('[data-testid=keys] tbody tr');
  await checkPage(s.page, '/account/keys');
  // The key reads the API as its owner.
  const r = await fetch(`${env.server.base}/api/v1/datasets?visibility=internal`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(r.status, 200);
  assert.ok((await r.json()).total > 0, 'internal datasets are visible with the key');
  await s.page.click('[data-testid=keys] button:has-text("폐기")');
  await s.page.waitForSelector('[data-testid=keys] td:has-text("폐기됨")');
  const again = await fetch(`${env.server.base}/api/v1/datasets`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(again.status, 401);
  assert.deepEqual(s.errors, []);
  await s.context.close();
});
