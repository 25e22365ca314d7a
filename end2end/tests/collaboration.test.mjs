// Two people editing the same dataset in real browsers: each sees the other (live presence), a
// save by one shows "changed by" to the other within 2 seconds, and the other's stale save turns
// into a field-by-field merge view (mine / theirs / result) instead of overwriting. Then a
// proposal from another department, accepted from the review queue.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAxe, serverAndBrowser, signedIn as signIn } from './support.mjs';

const env = serverAndBrowser(before, after);

/// Desktop-sized sessions (Playwright's default viewport).
const signedIn = (username, password) =>
  signIn(env, username, { width: 1280, height: 720 }, password);

async function parksDataset() {
  const r = await fetch(`${env.server.base}/api/v1/datasets?department=parks&per_page=1`);
  const body = await r.json();
  return body.items[0].dataset.slug;
}

async function current(slug) {
  const r = await fetch(`${env.server.base}/api/v1/datasets/${slug}`);
  return r.json();
}

test('two sessions: presence, a change notice, and the merge view on a stale save', async () => {
  const slug = await parksDataset();
  const before = await current(slug);
  const a = await signedIn('parks-steward');
  const b = await signedIn('admin');
  for (const s of [a, b]) {
    await s.page.goto(`${env.server.base}/datasets/${slug}/edit`);
    await s.page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
    await s.page.waitForSelector('#f-title_en');
  }
  // Each sees the other, editing.
  await a.page.waitForSelector('[data-testid=presence]', { timeout: 5_000 });
  await b.page.waitForSelector('[data-testid=presence]', { timeout: 5_000 });
  assert.match(await a.page.locator('[data-testid=presence]').innerText(), /편집 중/);

  // A saves first.
  await a.page.fill('#f-title_en', 'Title saved by A');
  await a.page.click('[data-testid=save]');
  await a.page.waitForSelector('[data-testid=saved]');
  // B is told within 2 seconds, naming who changed it.
  await b.page.waitForSelector('[data-testid=changed-notice]', { timeout: 2_000 });
  assert.match(await b.page.locator('[data-testid=changed-notice]').innerText(), /버전 \d+/);

  // B saves an edit based on the old version: a merge view, nothing overwritten.
  await b.page.fill('#f-title_en', 'Title saved by B');
  await b.page.fill('#f-contact_name', 'B 담당자');
  await b.page.click('[data-testid=save]');
  await b.page.waitForSelector('[data-testid=merge-view]');
  const titleRow = b.page.locator('[data-testid=merge-view] tr[data-field=title_en]');
  assert.equal(await titleRow.getAttribute('class'), 'conflict');
  assert.equal(await titleRow.locator('td.mine').innerText(), 'Title saved by B');
  assert.equal(await titleRow.locator('td.theirs').innerText(), 'Title saved by A');
  const contactRow = b.page.locator('[data-testid=merge-view] tr[data-field=contact_name]');
  assert.notEqual(await contactRow.getAttribute('class'), 'conflict');
  assert.equal((await current(slug)).summary.title_en, 'Title saved by A', 'nothing overwritten yet');

  // B keeps theirs for the title (choosing by keyboard works too) and saves the merged result.
  await titleRow.locator('input[data-pick=theirs]').check();
  assert.equal(await b.page.inputValue('#f-title_en'), 'Title saved by A');
  await b.page.click('[data-testid=save]');
  await b.page.waitForSelector('[data-testid=saved]');
  const after = await current(slug);
  assert.equal(after.version, before.version + 2);
  assert.equal(after.summary.title_en, 'Title saved by A');
  assert.equal(after.contact_name, 'B 담당자');
  // And A, still on the page, is now told about B's save.
  await a.page.waitForSelector('[data-testid=changed-notice]', { timeout: 2_000 });

  // B leaves: A's presence line goes away.
  await b.context.close();
  await a.page.waitForSelector('[data-testid=presence]', { state: 'detached', timeout: 5_000 });
  assert.deepEqual([...a.errors, ...b.errors], []);
  await a.context.close();
});

test('a proposal from another department, accepted from the review queue', async () => {
  const slug = await parksDataset();
  const before = await current(slug);
  const editor = await signedIn('transport-editor');
  await editor.page.goto(`${env.server.base}/datasets/${slug}`);
  await editor.page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await editor.page.click('[data-testid=propose]');
  await editor.page.waitForSelector('[data-testid=propose-mode]');
  await editor.page.waitForSelector('body[data-hydrated="true"]');
  await editor.page.fill('#f-description_en', 'A clearer English description, proposed by transport.');
  await editor.page.fill('#f-message', '영문 설명 보완');
  await editor.page.click('[data-testid=save]');
  await editor.page.waitForSelector('[data-testid=proposed]');
  assert.equal((await current(slug)).version, before.version, 'a proposal changes nothing yet');

  const steward = await signedIn('parks-steward');
  await steward.page.goto(`${env.server.base}/review`);
  await steward.page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  const card = steward.page.locator('article.proposal', { hasText: '영문 설명 보완' }).first();
  await card.locator('[data-testid=accept]').click();
  await steward.page.waitForFunction(() => !document.body.innerText.includes('영문 설명 보완') || document.querySelectorAll('[data-testid=accept]').length === 0);
  const after = await current(slug);
  assert.equal(after.description_en, 'A clearer English description, proposed by transport.');
  assert.equal(after.version, before.version + 1);

  // The proposer is notified of the decision.
  await editor.page.goto(`${env.server.base}/notifications`);
  await editor.page.waitForSelector('li[data-kind=proposal_accepted]');
  assert.deepEqual([...editor.errors, ...steward.errors], []);
  await editor.context.close();
  await steward.context.close();
});

test('the staff pages pass axe (WCAG 2 A/AA) and fit a 375-px phone', async () => {
  const s = await signedIn('parks-steward');
  await s.page.setViewportSize({ width: 375, height: 740 });
  for (const path of [
    '/datasets/parks-green-spaces/edit',
    '/datasets/parks-green-spaces',
    '/datasets/parks-green-spaces/history?from=1&to=1',
    '/review',
    '/notifications',
    '/freshness',
    '/import',
  ]) {
    await s.page.goto(env.server.base + path);
    await s.page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
    await loadAxe(s.page);
    const result = await s.page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }));
    assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], path);
    const width = await s.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `${path} is ${width}px wide`);
  }
  assert.deepEqual(s.errors, []);
  await s.context.close();
});

test('an admin adds a department and a user from the admin page', async () => {
  const s = await signedIn('admin');
  await s.page.goto(`${env.server.base}/admin`);
  await s.page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await s.page.click('summary:has-text("부서 추가")');
  await s.page.fill('#d-code', 'data-office');
  await s.page.fill('#d-ko', '데이터담당관');
  await s.page.fill('#d-en', 'Data Office');
  await s.page.click('details[open] button[type=submit]');
  await s.page.waitForSelector('td:has-text("데이터담당관")');
  await s.page.click('summary:has-text("사용자 추가")');
  await s.page.fill('#u-name', 'data-steward');
  await s.page.fill('#u-display', '데이터 관리책임자');
  await s.page.selectOption('#u-role', 'steward');
  await s.page.fill('#u-dept', 'data-office');
  await s.page.fill('#u-pass', 'a-long-password');
  await s.page.locator('#u-pass').press('Enter');
  await s.page.waitForSelector('td:has-text("data-steward")');
  await loadAxe(s.page);
  const result = await s.page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }));
  assert.deepEqual(result.violations.map((v) => v.id), []);
  assert.deepEqual(s.errors, []);
  await s.context.close();
  // The new steward signs in.
  const n = await signedIn('data-steward', 'a-long-password');
  assert.match(await n.page.locator('[data-testid=user-name]').innerText(), /데이터 관리책임자/);
  await n.context.close();
});
