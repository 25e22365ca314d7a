// Background jobs in the browser: a steward profiles a data file (CP949 CSV with coordinates)
// and sees its preview, map and proposed data dictionary; an admin adds a harvest source and
// runs it, following the job live.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { checkPage, serverAndBrowser, signedIn as signIn } from './support.mjs';

const env = serverAndBrowser(before, after);
const signedIn = (username, viewport) => signIn(env, username, viewport);

/// "공원명,위도,경도,면적" rows around Seoul Forest, encoded in CP949 by hand-built bytes.
function cp949Csv(rows) {
  // Hangul in the header and names: use TextEncoder-free CP949 bytes for the few syllables needed.
  const cp949 = { 공: [0xb0, 0xf8], 원: [0xbf, 0xf8], 명: [0xb8, 0xed], 위: [0xc0, 0xa7], 도: [0xb5, 0xb5], 경: [0xb0, 0xe6], 면: [0xb8, 0xe9], 적: [0xc0, 0xfb] };
  const bytes = [];
  const put = (s) => {
    for (const ch of s) {
      if (cp949[ch]) bytes.push(...cp949[ch]);
      else bytes.push(ch.charCodeAt(0));
    }
  };
  put('공원명,위도,경도,면적\n');
  for (let i = 0; i < rows; i++) {
    put(`공원${i},${(37.54 + (i % 30) * 0.001).toFixed(6)},${(127.03 + (i % 40) * 0.001).toFixed(6)},${100 + i}\n`);
  }
  return Buffer.from(bytes);
}

test('a steward profiles a CP949 data file: progress, preview table, map preview, proposed dictionary', async () => {
  const s = await signedIn('parks-steward');
  await s.page.goto(`${env.server.base}/datasets/parks-green-spaces`);
  await s.page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await s.page.click('[data-testid=profile-upload] summary');
  await s.page.setInputFiles('#profile-file', { name: 'parks.csv', mimeType: 'text/csv', buffer: cp949Csv(2000) });
  await s.page.click('[data-testid=profile-start]');
  // The job's live view ends in a summary linking to the dataset page.
  await s.page.waitForSelector('[data-testid=job] [data-status=succeeded]', { timeout: 30_000 });
  assert.match(await s.page.locator('[data-testid=job-summary]').innerText(), /parks\.csv: 2000행, 4개 항목/);
  await s.page.reload();
  await s.page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  const preview = s.page.locator('[data-testid=preview-table]');
  assert.match(await preview.locator('thead').innerText(), /공원명[\s\S]*위도[\s\S]*경도/);
  assert.equal(await preview.locator('tbody tr').count(), 20);
  assert.match(await s.page.locator('[data-testid=profile] h3').innerText(), /EUC-KR/);
  assert.ok((await s.page.locator('[data-testid=map-preview] circle, [data-testid=map-preview] .leaflet-interactive').count()) > 0);
  await checkPage(s.page, '/datasets/parks-green-spaces (profiled)');
  // "Use as the data dictionary" fills the edit form's columns from the profile.
  await s.page.click('[data-testid=use-profile]');
  await s.page.waitForSelector('[data-testid=columns-proposed]');
  await s.page.waitForSelector('body[data-hydrated="true"]');
  const names = await s.page.locator('[data-testid=columns-editor] fieldset.row label:first-of-type input').evaluateAll((els) => els.map((e) => e.value));
  for (const n of ['공원명', '위도', '경도', '면적']) assert.ok(names.includes(n), `${n} in ${names}`);
  assert.deepEqual(s.errors, []);
  await s.context.close();
});

test('an admin adds a sheet harvest source, runs it and follows the job to its report', async () => {
  const sheet = 'slug,title_ko,source_institution,update_cycle\nharvested-benches,공원 벤치 현황,서울특별시,yearly\nharvested-toilets,공중화장실 현황,서울특별시,monthly\n';
  const upstream = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.end(sheet);
  });
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${upstream.address().port}/benches.csv`;
  try {
    const s = await signedIn('admin');
    await s.page.goto(`${env.server.base}/admin/harvest`);
    await s.page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
    await s.page.fill('#new-name', '시 공원 시설 시트');
    await s.page.selectOption('#new-kind', 'sheet');
    await s.page.fill('#new-url', url);
    await s.page.selectOption('#new-department', 'parks');
    await s.page.fill('#new-institution', '서울특별시');
    await s.page.fill('#new-terms', 'theme:environment');
    await s.page.click('section[aria-labelledby=new-source-h] button[type=submit]');
    await s.page.waitForSelector('[data-testid=harvest-source] h2:has-text("시 공원 시설 시트")');
    await checkPage(s.page, '/admin/harvest');
    await s.page.click('[data-testid=run-source]');
    await s.page.waitForURL(/\/jobs\/\d+$/);
    await s.page.waitForSelector('[data-testid=job] [data-status=succeeded]', { timeout: 30_000 });
    assert.match(await s.page.locator('[data-testid=job-summary]').innerText(), /새로 등록 2/);
    await s.page.click('a[href="/datasets/harvested-benches"]');
    await s.page.waitForSelector('h1:has-text("공원 벤치 현황")');
    await s.page.goto(`${env.server.base}/admin/jobs`);
    await s.page.waitForSelector('[data-testid=job-row]');
    await checkPage(s.page, '/admin/jobs');
    assert.deepEqual(s.errors, []);
    await s.context.close();
  } finally {
    upstream.close();
  }
});
