// Bulk import in the browser: preview a sheet, import it, and see every problem of a bad one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser } from './support.mjs';

const env = serverAndBrowser(before, after);

test('preview and import a sheet; a bad sheet lists its problems and imports nothing', async () => {
  const context = await env.browser.newContext({ viewport: { width: 375, height: 740 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.server.base}/login`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.fill('#username', 'parks-steward');
  await page.fill('#password', 'dongne-demo');
  await page.click('button.primary');
  await page.waitForSelector('[data-testid=user-name]');
  await page.goto(`${env.server.base}/import`);
  await page.waitForSelector('body[data-hydrated="true"]');

  const good = '식별자,제목,담당 부서,제공 기관,갱신 주기\nroof-gardens,옥상정원 현황,parks,성동구,연간\n';
  await page.setInputFiles('#import-file', { name: 'gardens.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.click('[data-testid=import-preview-button]');
  await page.waitForSelector('[data-testid=import-preview]');
  assert.match(await page.locator('[data-testid=import-preview]').innerText(), /새로 등록 1/);
  // The steward's own export (drafts of their department included) has no trace of it yet.
  const staffExport = async () => (await page.request.get(`${env.server.base}/api/v1/export?format=json`)).text();
  assert.ok(!(await staffExport()).includes('roof-gardens'), 'a preview writes nothing');
  await page.click('[data-testid=import-commit]');
  await page.waitForSelector('[data-testid=import-done]');
  assert.ok((await staffExport()).includes('roof-gardens'));
  await page.click('[data-testid=import-done] a[href="/datasets/roof-gardens"]');
  await page.waitForSelector('h1:has-text("옥상정원 현황")');

  await page.goto(`${env.server.base}/import`);
  await page.waitForSelector('body[data-hydrated="true"]');
  const bad = 'slug,title_ko,department,source_institution\nbad-one,,parks,성동구\nbad-two,둘,nowhere,성동구\n';
  await page.setInputFiles('#import-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.click('[data-testid=import-preview-button]');
  await page.waitForSelector('[data-testid=import-problems]');
  const text = await page.locator('[data-testid=import-problems]').innerText();
  assert.match(text, /row 2, title_ko/);
  assert.match(text, /row 3, department/);
  assert.equal(await page.locator('[data-testid=import-commit]').count(), 0);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375));
  assert.deepEqual(errors, []);
  await context.close();
});
