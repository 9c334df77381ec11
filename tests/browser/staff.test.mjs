// Browser test for staff records: L&D uploads an extract with a mistake,
// sees the row and column named with nothing stored, uploads it corrected,
// checks the summary of what it will do, confirms, and finds the new person
// in the people directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, openNav } from './harness.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

const HEADER = 'assignment_number,name,email,role_code,site,afc_band,staff_group,start_date,leave_date,line_manager_assignment,sex,ethnicity,age_band,disability';

async function upload(page, csv) {
  await page.setInputFiles('#file', { name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Check the file' }).click()]);
}

test('an extract with a mistake is refused by row and column, then imported once corrected and confirmed', async () => {
  const admin = await demo.signIn('admin@demo.pathwise.test');
  await admin.waitForLoadState('load');
  await openNav(admin, 'Staff records');
  assert.equal(await admin.locator('h1').textContent(), 'Staff records');

  const rows = (start) => `${HEADER}\n` +
    `93000001,Nia Okafor,,hcsw,NGH,3,,${start},,,Female,Black,25-34,No\n` +
    '93000002,Sam Hale,,hcsw,OUTREACH,2,,2026-01-05,,93000001,Male,H Indian,16-24,No\n';
  await upload(admin, rows('2025-02-30'));
  const summary = admin.locator('.nhsuk-error-summary');
  await summary.waitFor();
  assert.match(await summary.textContent(), /row 2, column start_date: '2025-02-30' is not a date/);
  assert.match(await summary.textContent(), /Nothing was imported/);
  assert.match(await admin.title(), /^Error: /);

  await upload(admin, rows('2025-02-03'));
  await admin.locator('#staff-summary').waitFor();
  const said = await admin.locator('#staff-summary').textContent();
  assert.match(said, /2 people new/);
  assert.match(said, /1 new site added: OUTREACH/);
  assert.match(await admin.locator('#staff-preview').textContent(), /Sam Hale\s*What happens\s*New/);
  assert.doesNotMatch(await admin.locator('main').textContent(), /Indian|Asian|16-24/, 'no characteristic on the page');
  await Promise.all([admin.waitForEvent('load'), admin.getByRole('button', { name: 'Import these staff records' }).click()]);
  assert.match(await admin.locator('#staff-done').textContent(), /Imported: 2 people new, 0 changed/);

  await admin.goto(`${demo.baseUrl}/people?q=93000002`);
  assert.match(await admin.locator('#people-table').textContent(), /Sam Hale/);
  await admin.context().close();
});

test('the retention dashboard shows a chart with its table, narrows by site, and the analyst sees it under disclosure control', async () => {
  const admin = await demo.signIn('admin@demo.pathwise.test');
  await admin.waitForLoadState('load');
  await openNav(admin, 'Outcomes');
  assert.equal(await admin.locator('h1').textContent(), 'Outcomes');
  await admin.locator('#retention-chart svg').waitFor();
  const rows = admin.locator('#retention-table tbody tr');
  assert.equal(await rows.count(), 3);
  assert.match(await rows.first().textContent(), /Everyone selected\s*People \d+\s*6 months \d+\.\d%/);
  assert.match(await admin.locator('#disclosure').textContent(), /unrounded/);
  await admin.getByLabel('Site', { exact: true }).selectOption({ index: 1 });
  await Promise.all([admin.waitForEvent('load'), admin.getByRole('button', { name: 'Show' }).click()]);
  assert.match(admin.url(), /site=[A-Z]/);
  await admin.locator('#retention-table').waitFor();
  // Time to competence, stepping up and who progresses, each with a chart and its table.
  await admin.locator('#competence-summary').waitFor();
  await admin.locator('#progression-table').waitFor();
  await admin.goto(`${demo.baseUrl}/outcomes`);
  await admin.locator('#equity-ethnicity-chart svg').waitFor();
  assert.equal(await admin.locator('#equity-ethnicity tbody tr').count(), 6);
  await admin.getByLabel('Who progresses: count steps').selectOption('registered');
  await admin.getByLabel('Who progresses: window').selectOption('12');
  await Promise.all([admin.waitForEvent('load'), admin.getByRole('button', { name: 'Show' }).click()]);
  assert.match(admin.url(), /step=registered/);
  assert.match(await admin.locator('#equity-heading + p').textContent(), /into a registered profession within 12 months/);
  await admin.context().close();

  const analyst = await demo.signIn('analyst@demo.pathwise.test');
  await analyst.waitForLoadState('load');
  await openNav(analyst, 'Outcomes');
  assert.match(await analyst.locator('#disclosure').textContent(), /Disclosure control is on/);
  const people = await analyst.locator('#retention-table tbody tr td:nth-of-type(1)').allTextContents();
  for (const p of people) {
    const n = p.replace('People', '').trim();
    assert.ok(n === '*' || Number(n) % 5 === 0, `a controlled count: ${n}`);
  }
  for (const id of ['equity-ethnicity', 'equity-sex', 'equity-disability', 'equity-age-band', 'equity-site']) {
    const cells = await analyst.locator(`#${id} tbody tr td:nth-of-type(-n+2)`).allTextContents();
    for (const c of cells) {
      const n = c.replace(/^(People|Stepped up)/, '').trim();
      assert.ok(n === '*' || Number(n) % 5 === 0, `a controlled count in ${id}: ${n}`);
    }
  }
  await analyst.context().close();
});
