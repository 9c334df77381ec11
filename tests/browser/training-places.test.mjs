// Browser test for where to fund training places: an analyst runs a
// simulation on the example trusts file, sees the frontier chart with the
// policies beside it, steps along the frontier and sees the allocation
// change, and the page passes axe at desktop and phone widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startDemo, openNav } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const TRUSTS = readFileSync(new URL('../../examples/simulate/trusts.csv', import.meta.url));
let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

async function axeProblems(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

test('an analyst runs a simulation and steps along its frontier', async () => {
  const page = await demo.signIn('analyst@demo.pathwise.test');
  await page.waitForLoadState('load');
  await openNav(page, 'Training places');
  assert.equal(await page.locator('h1').textContent(), 'Where to fund training places');
  await page.locator('#no-simulations').waitFor();

  await page.getByLabel('Name').fill('Example trusts');
  await page.getByLabel('How many places to fund').fill('120');
  await page.setInputFiles('#file', { name: 'trusts.csv', mimeType: 'text/csv', buffer: TRUSTS });
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Run and save' }).click()]);
  assert.equal(await page.locator('h1').textContent(), 'Example trusts');
  await page.locator('#frontier-chart svg').waitFor();
  assert.match(await page.locator('#simulation-summary').textContent(), /120 funded places among 14 trusts in 7 regions/);
  assert.equal(await page.locator('#policies tbody tr').count(), 4);
  assert.equal(await page.locator('#regions tbody tr').count(), 7);
  const count = Number(await page.locator('#frontier-count').textContent());
  assert.ok(count > 5, `${count} points`);

  const places = async () => (await page.locator('#regions tbody tr td:nth-child(4)').allTextContents())
    .map((t) => t.replace(/[^0-9]/g, '')).join(',');
  const first = await places();
  await Promise.all([page.waitForEvent('load'), page.locator('#next-point').click()]);
  assert.match(await page.locator('#point-words').textContent(), /^Point 2 of /);
  await page.getByLabel('Show point').fill(String(count));
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Show' }).click()]);
  assert.match(await page.locator('#point-words').textContent(), new RegExp(`^Point ${count} of ${count}`));
  assert.notEqual(await places(), first, 'the allocation moves along the frontier');
  assert.equal(await page.locator('#next-point').count(), 0, 'no point after the last');

  const problems = [];
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const f of await axeProblems(page)) problems.push(`${width}px: ${f}`);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (width === 390 && sideways > 0) problems.push(`390px: scrolls sideways by ${sideways}px`);
  }
  assert.deepEqual(problems, []);

  await page.goto(`${demo.baseUrl}/training-places`);
  assert.equal(await page.locator('#simulations tbody tr').count(), 1);
  await page.context().close();
});
