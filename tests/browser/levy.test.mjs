// Browser test for the levy forecast: L&D opens the levy account, sees the
// forecast as a chart with its table, tries a what-if cohort and sees it
// beside the baseline, and finds it gone (never saved) once they go back to
// the forecast alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, openNav } from './harness.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

test('a what-if cohort is shown beside the forecast without being saved', async () => {
  const admin = await demo.signIn('admin@demo.pathwise.test');
  await admin.waitForLoadState('load');
  await openNav(admin, 'Levy');
  assert.equal(await admin.locator('h1').textContent(), 'Levy account');
  await admin.locator('#levy-chart svg').waitFor();
  assert.equal(await admin.locator('#ledger tbody tr').count(), 36);
  assert.equal(await admin.locator('#ledger thead th').count(), 8);
  const before = await admin.locator('#apprenticeships tbody tr').count();
  assert.ok(before > 0, 'the demo trust has apprenticeships');

  await admin.getByLabel('How many learners').fill('10');
  await admin.getByLabel('Apprenticeship', { exact: true }).selectOption('ST0827');
  await admin.getByLabel('Month they start').fill('March 2027');
  await Promise.all([admin.waitForEvent('load'), admin.getByRole('button', { name: 'Show beside the forecast' }).click()]);
  assert.match(await admin.locator('#what-if-shown').textContent(),
    /10 Nursing associate \(NMC 2018\) apprentices starting in March 2027, £15,000\.00 each over 24 months/);
  assert.equal(await admin.locator('#ledger thead th').count(), 10);
  const march = admin.locator('#ledger tbody tr', { hasText: 'March 2027' });
  const cells = await march.locator('td').allTextContents();
  const money = (t) => Number(t.replace(/[^0-9.]/g, ''));
  const balance = money(cells[5]);
  const withCohort = money(cells[7]);
  assert.ok(withCohort < balance || withCohort === 0, `with the cohort ${withCohort}, without ${balance}`);
  assert.match(await admin.locator('a', { hasText: 'CSV' }).last().getAttribute('href'), /cohort_size=10/);

  await Promise.all([admin.waitForEvent('load'), admin.locator('#what-if-clear').click()]);
  assert.equal(await admin.locator('#ledger thead th').count(), 8);
  assert.equal(await admin.locator('#what-if-shown').count(), 0);
  assert.equal(await admin.locator('#apprenticeships tbody tr').count(), before, 'nothing saved');
  await admin.context().close();
});
