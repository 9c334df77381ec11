// Browser test for outreach to intake: the L&D lead records an activity and
// what followed it, and sees the funnel change; the page passes axe at
// desktop and phone widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, openNav } from './harness.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

test('an activity and its follow-up show in the funnel', async () => {
  const page = await demo.signIn('admin@demo.pathwise.test');
  await page.waitForLoadState('load');
  await openNav(page, 'Outreach');
  assert.equal(await page.locator('h1').textContent(), 'Outreach to intake');
  // The demo trust has outreach already; this activity is under a hub of its own.
  await page.locator('#funnel tbody tr').first().waitFor();
  await page.getByLabel('Break down by').selectOption('hub');
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Show', exact: true }).click()]);

  await page.getByLabel('Kind of activity').selectOption('work_experience');
  await page.getByLabel('Your reference for it').fill('WE-2026-01');
  await page.getByLabel('Date', { exact: true }).fill('12 March 2026');
  await page.getByLabel('School or college', { exact: true }).fill('Wolverhampton Academy');
  await page.getByLabel('Careers hub', { exact: true }).fill('Test Valley Careers Hub');
  await page.getByLabel('Integrated care board', { exact: true }).fill('Black Country ICB');
  await page.getByLabel('Young people in Year 10').fill('25');
  await page.getByLabel('Of the young people, how many have free school meals').fill('9');
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Record the activity' }).click()]);
  assert.match(await page.locator('#outreach-done').textContent(), /Activity WE-2026-01 recorded/);
  const cells = async () => page.locator('#funnel tbody tr', { hasText: 'Test Valley Careers Hub' }).locator('td').allTextContents();
  const byHub = () => page.goto(`${demo.baseUrl}/outreach?by=hub`);
  await byHub();
  let row = await cells();
  assert.match(row[2], /25$/);
  assert.match(row[4], /0$/);

  await page.getByLabel('Activity', { exact: true }).selectOption('WE-2026-01');
  await page.getByLabel('Route').last().selectOption('apprenticeship');
  await page.getByLabel('Period counted').fill('2026-27');
  await page.getByLabel('Applications', { exact: true }).fill('5');
  await page.getByLabel('Offers', { exact: true }).fill('3');
  await page.getByLabel('Starts', { exact: true }).fill('2');
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Record what followed' }).click()]);
  assert.match(await page.locator('#outreach-done').textContent(), /5 applications, 3 offers, 2 starts/);
  await byHub();
  row = await cells();
  assert.match(row[4], /5$/);
  assert.match(row[6], /2$/);
  assert.match(row[9], /8\.0%/, 'two starts from 25 young people');
  await page.locator('#funnel-chart svg').waitFor();

  const problems = [];
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.addScriptTag({ path: (await import('node:module')).createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
    const found = await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    });
    for (const f of found) problems.push(`${width}px: ${f}`);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (width === 390 && sideways > 0) problems.push(`390px: scrolls sideways by ${sideways}px`);
  }
  assert.deepEqual(problems, []);
  await page.context().close();
});
